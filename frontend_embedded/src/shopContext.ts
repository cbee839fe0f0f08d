/** The shop environment (currency, time zone, locale) for every component. */
import { createContext, useContext } from "react";
import type { ShopEnv } from "./env";

export const ShopEnvContext = createContext<ShopEnv>({
  shop: "",
  currency: "USD",
  timeZone: "UTC",
  locale: "en-US",
});

/** Return the shop's domain, currency, time zone and the UI locale. */
export function useShopEnv(): ShopEnv {
  return useContext(ShopEnvContext);
}
