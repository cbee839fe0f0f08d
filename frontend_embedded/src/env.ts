/** What the server told us about the shop, read once from the #root element's data attributes. */
export interface ShopEnv {
  shop: string;
  currency: string;
  timeZone: string;
  locale: string;
}

function validTimeZone(zone: string | undefined): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

function pickLocale(): string {
  const fromQuery = new URLSearchParams(window.location.search).get("locale");
  const candidates = [fromQuery, window.shopify?.config?.locale, navigator.language, "en-US"];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      return Intl.getCanonicalLocales(candidate)[0];
    } catch {
      // not a valid BCP 47 tag: try the next one
    }
  }
  return "en-US";
}

/** Return the shop domain, currency, IANA time zone and UI locale for this page. */
export function readShopEnv(root: HTMLElement | null = document.getElementById("root")): ShopEnv {
  const data = root?.dataset ?? {};
  return {
    shop: data.shop ?? new URLSearchParams(window.location.search).get("shop") ?? "",
    currency: (data.currency || "USD").toUpperCase(),
    timeZone: validTimeZone(data.timezone),
    locale: pickLocale(),
  };
}
