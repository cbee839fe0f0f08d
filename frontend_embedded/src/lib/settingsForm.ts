/** Turn the settings form's percent fields into API fractions, with the messages the form shows. */
import type { SettingsChange, ShopSettings } from "../api/settings";

export interface EconomicsForm {
  marginPct: string;
  discountPct: string;
}

export interface EconomicsResult {
  change: SettingsChange;
  errors: Partial<Record<keyof EconomicsForm, string>>;
}

/** Return the form's values for `settings` (fractions shown as percentages). */
export function economicsForm(settings: ShopSettings): EconomicsForm {
  const pct = (v: number) => String(Math.round(v * 10000) / 100);
  return { marginPct: pct(settings.margin), discountPct: pct(settings.monthly_discount_rate) };
}

function percent(raw: string, low: number, high: number, what: string): [number | null, string | undefined] {
  const text = raw.trim().replace(",", ".");
  const value = text === "" ? NaN : Number(text);
  const [lo, hi] = [low * 100, high * 100];
  if (!Number.isFinite(value)) return [null, `Enter the ${what} as a number, e.g. ${hi > 50 ? 40 : 1}.`];
  if (value < lo || value > hi) return [null, `The ${what} must be between ${lo}% and ${hi}%.`];
  return [Math.round(value * 100) / 10000, undefined];
}

/** Validate the form against the server's limits; return the change to send and any field errors. */
export function parseEconomics(form: EconomicsForm, limits: ShopSettings["limits"]): EconomicsResult {
  const [margin, marginError] = percent(form.marginPct, ...limits.margin, "margin");
  const [rate, rateError] = percent(form.discountPct, ...limits.monthly_discount_rate, "discount rate");
  const errors: EconomicsResult["errors"] = {};
  if (marginError) errors.marginPct = marginError;
  if (rateError) errors.discountPct = rateError;
  const change: SettingsChange = {};
  if (margin !== null) change.margin = margin;
  if (rate !== null) change.monthly_discount_rate = rate;
  return { change, errors };
}

/** Describe a sync interval in minutes, e.g. "Every 15 minutes", "Every 2 hours", "Once a day". */
export function intervalLabel(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return minutes === 1440 ? "Once a day" : `Every ${minutes / 1440} days`;
  if (minutes >= 60 && minutes % 60 === 0) return minutes === 60 ? "Every hour" : `Every ${minutes / 60} hours`;
  return `Every ${minutes} minutes`;
}
