// jsdom lacks a few browser APIs that Polaris uses.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
// jsdom defines scrollTo but only to report "Not implemented".
window.scrollTo = (() => {}) as typeof window.scrollTo;
if (!("ResizeObserver" in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// findBy*/waitFor give up after 1 s by default: too short for a Polaris page's first render on a busy
// 2-core CI machine (a Settings test failed there at 1.19 s). Waiting longer never hides a failure.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
