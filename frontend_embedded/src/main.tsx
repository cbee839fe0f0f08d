import "@shopify/polaris/build/esm/styles.css";
import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { installShimIfNeeded } from "./appBridgeShim";
import { App } from "./App";
import { readShopEnv } from "./env";
import { watchScrollRegions } from "./lib/scrollRegions";

const root = document.getElementById("root");
if (!root) throw new Error("XSight needs a <div id=\"root\"> in the page to mount into.");

// Module scripts run after the classic App Bridge script in <head> has loaded or failed, so an
// undefined `shopify` here means we are outside the Admin (the demo): install the stand-in.
installShimIfNeeded(root.dataset.shop ?? "");

watchScrollRegions();

createRoot(root).render(
  <StrictMode>
    <App env={readShopEnv(root)} />
  </StrictMode>,
);
