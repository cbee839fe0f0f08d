/**
 * Formatting in the shop's currency and time zone. Money arrives from the API as decimal
 * strings ("1234.50") in the shop currency; calendar dates as "YYYY-MM-DD" in the shop zone;
 * instants as ISO 8601 timestamps.
 */

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

/** Parse a decimal money string (or number) into a number; NaN-safe (returns 0). */
export function toAmount(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  const amount = typeof value === "number" ? value : Number(value);
  return Number.isFinite(amount) ? amount : 0;
}

/** Format a money amount in `currency` for `locale`, e.g. "$1,234.50" or "1.234,50 €". */
export function formatMoney(value: string | number | null | undefined, currency: string, locale: string): string {
  try {
    return numberFormat(locale, { style: "currency", currency }).format(toAmount(value));
  } catch {
    // Not an ISO 4217 code Intl knows: show the amount and the code rather than break the page.
    return `${numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(toAmount(value))} ${currency}`;
  }
}

/** Format a money amount compactly for chart axes, e.g. "$1.2K". */
export function formatMoneyCompact(value: number, currency: string, locale: string): string {
  try {
    return numberFormat(locale, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(value);
  } catch {
    return numberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
  }
}

/** Format a count, e.g. "12,345". */
export function formatCount(value: number | string | null | undefined, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(toAmount(value));
}

/** Format a fraction (0.253) as a percentage ("25.3%"). */
export function formatRate(fraction: number | null | undefined, locale: string): string {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(fraction ?? 0);
}

/** Format a change already expressed in percent (12.5 → "+12.5%"); null → "—". */
export function formatChangePct(changePct: number | null | undefined, locale: string): string {
  if (changePct === null || changePct === undefined || !Number.isFinite(changePct)) return "—";
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(
    changePct / 100,
  );
}

/** Turn "YYYY-MM-DD" into a Date at UTC midnight, so formatting with timeZone "UTC" never shifts the day. */
export function calendarDateToUtc(date: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** Format a shop calendar date ("2024-03-10") as e.g. "Mar 10, 2024" (the date is already in shop time). */
export function formatCalendarDate(
  date: string,
  locale: string,
  options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", year: "numeric" },
): string {
  return dateFormat(locale, { ...options, timeZone: "UTC" }).format(calendarDateToUtc(date));
}

/** Format an ISO instant in the shop's time zone, e.g. "Mar 10, 2024, 2:30 AM". */
export function formatDateTime(iso: string | null | undefined, timeZone: string, locale: string): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return dateFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** Format a duration in seconds as "45 s", "3 min", "1 h 5 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** Format an ISO instant as its calendar day in the shop's time zone, e.g. "Mar 10, 2024". */
export function formatInstantDate(iso: string | null | undefined, timeZone: string, locale: string): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return dateFormat(locale, { dateStyle: "medium", timeZone }).format(date);
}
