/** Page tests: a stand-in `window.shopify` (ID token and toast) for every test of the file. */
import { afterEach, beforeEach, vi } from "vitest";

/** Install the stand-in before each test and remove it after; returns the toast's mock. */
export function useAppBridgeShim() {
  const toastShow = vi.fn();
  beforeEach(() => {
    (window as unknown as { shopify: unknown }).shopify = { idToken: vi.fn(async () => "t"), toast: { show: toastShow } };
    document.documentElement.dataset.appBridge = "shim";
    toastShow.mockClear();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete document.documentElement.dataset.appBridge;
  });
  return toastShow;
}
