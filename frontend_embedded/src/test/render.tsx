import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { ShopEnv } from "../env";
import { ShopEnvContext } from "../shopContext";

export const TEST_ENV: ShopEnv = { shop: "demo.myshopify.com", currency: "EUR", timeZone: "Europe/Berlin", locale: "en-US" };

/** Render inside Polaris and the shop environment. */
export function renderWithShop(ui: ReactElement, env: ShopEnv = TEST_ENV) {
  return render(
    <ShopEnvContext.Provider value={env}>
      <AppProvider i18n={en}>{ui}</AppProvider>
    </ShopEnvContext.Provider>,
  );
}
