/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is served by Flask from xsight/static/app/; Flask reads .vite/manifest.json
// to find the entry (keyed "index.html") and renders its own HTML shell.
export default defineConfig({
  base: "/static/app/",
  plugins: [react()],
  build: {
    outDir: "../xsight/static/app",
    emptyOutDir: true,
    manifest: true,
    target: "es2020",
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    // A file's first test pays for importing Polaris into jsdom (about 4 s on a busy 2-core
    // CI machine); the 5 s default made page tests flaky there.
    testTimeout: 20000,
  },
});
