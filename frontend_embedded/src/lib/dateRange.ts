/**
 * Date-range presets computed in the shop's time zone. Ranges are inclusive pairs of
 * "YYYY-MM-DD" calendar dates, the format the dashboard API takes.
 */

export type PresetId =
  | "today"
  | "last7"
  | "last30"
  | "last90"
  | "thisMonth"
  | "lastMonth"
  | "thisYear"
  | "custom";

export interface DateRange {
  start: string;
  end: string;
}

export const PRESETS: { id: Exclude<PresetId, "custom">; label: string }[] = [
  { id: "today", label: "Today" },
  { id: "last7", label: "Last 7 days" },
  { id: "last30", label: "Last 30 days" },
  { id: "last90", label: "Last 90 days" },
  { id: "thisMonth", label: "This month" },
  { id: "lastMonth", label: "Last month" },
  { id: "thisYear", label: "This year" },
];

export const DEFAULT_PRESET: Exclude<PresetId, "custom"> = "last30";

/** Return today's calendar date in `timeZone` as "YYYY-MM-DD". */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split("-").map(Number);
  return [y, m, d];
}

function fmt(y: number, m: number, d: number): string {
  const utc = new Date(Date.UTC(y, m - 1, d));
  return utc.toISOString().slice(0, 10);
}

/** Add `days` (may be negative) to a calendar date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return fmt(y, m, d + days);
}

/** Return the range a preset covers, with today taken in `timeZone`. */
export function presetRange(preset: Exclude<PresetId, "custom">, timeZone: string, now: Date = new Date()): DateRange {
  const today = todayIn(timeZone, now);
  const [y, m] = parts(today);
  switch (preset) {
    case "today":
      return { start: today, end: today };
    case "last7":
      return { start: addDays(today, -6), end: today };
    case "last30":
      return { start: addDays(today, -29), end: today };
    case "last90":
      return { start: addDays(today, -89), end: today };
    case "thisMonth":
      return { start: fmt(y, m, 1), end: today };
    case "lastMonth":
      return { start: fmt(y, m - 1, 1), end: fmt(y, m, 0) };
    case "thisYear":
      return { start: fmt(y, 1, 1), end: today };
  }
}

/** Return the preset whose range equals `range` today, or "custom". */
export function matchPreset(range: DateRange, timeZone: string, now: Date = new Date()): PresetId {
  const found = PRESETS.find(({ id }) => {
    const r = presetRange(id, timeZone, now);
    return r.start === range.start && r.end === range.end;
  });
  return found ? found.id : "custom";
}

/** Convert "YYYY-MM-DD" to a local-midnight Date, for Polaris DatePicker. */
export function toLocalDate(date: string): Date {
  const [y, m, d] = parts(date);
  return new Date(y, m - 1, d);
}

/** Convert a local Date (from Polaris DatePicker) to "YYYY-MM-DD". */
export function fromLocalDate(date: Date): string {
  return fmt(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

/** Return true for a well-formed range with start ≤ end. */
export function isValidRange(range: Partial<DateRange>): range is DateRange {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  return !!range.start && !!range.end && re.test(range.start) && re.test(range.end) && range.start <= range.end;
}
