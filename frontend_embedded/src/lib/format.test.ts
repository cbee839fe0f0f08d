import { describe, expect, it } from "vitest";
import {
  formatCalendarDate,
  formatChangePct,
  formatCount,
  formatInstantDate,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatRate,
} from "./format";

describe("formatMoney", () => {
  it("formats decimal strings in the shop currency", () => {
    expect(formatMoney("1234.50", "USD", "en-US")).toBe("$1,234.50");
    expect(formatMoney("1234.5", "EUR", "de-DE")).toBe("1.234,50\u00a0€");
  });

  it("uses the currency's own minor units", () => {
    expect(formatMoney("1500", "JPY", "en-US")).toBe("¥1,500");
  });

  it("falls back to amount and code for a currency Intl does not know", () => {
    expect(formatMoney("12.5", "NOPE", "en-US")).toBe("12.50 NOPE");
  });

  it("treats missing or malformed amounts as zero", () => {
    expect(formatMoney(null, "USD", "en-US")).toBe("$0.00");
    expect(formatMoney("abc", "USD", "en-US")).toBe("$0.00");
  });
});

describe("numbers and rates", () => {
  it("formats counts, fractions and percent changes", () => {
    expect(formatCount(12345, "en-US")).toBe("12,345");
    expect(formatRate(0.253, "en-US")).toBe("25.3%");
    expect(formatChangePct(12.5, "en-US")).toBe("+12.5%");
    expect(formatChangePct(-3, "en-US")).toBe("-3%");
    expect(formatChangePct(0, "en-US")).toBe("0%");
    expect(formatChangePct(null, "en-US")).toBe("—");
  });
});

describe("dates", () => {
  it("formats an instant in the shop's time zone, not the browser's", () => {
    // 03:30 UTC on 10 March is still 9 March in New York (UTC-5 then).
    const iso = "2024-03-10T03:30:00Z";
    expect(formatDateTime(iso, "America/New_York", "en-US")).toBe("Mar 9, 2024, 10:30 PM");
    expect(formatDateTime(iso, "Asia/Tokyo", "en-US")).toBe("Mar 10, 2024, 12:30 PM");
  });

  it("keeps a shop calendar date on its day whatever the browser zone", () => {
    expect(formatCalendarDate("2024-03-01", "en-US")).toBe("Mar 1, 2024");
  });

  it("shows placeholders for missing instants", () => {
    expect(formatDateTime(null, "UTC", "en-US")).toBe("—");
    expect(formatDateTime("not a date", "UTC", "en-US")).toBe("—");
  });

  it("formats durations", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(180)).toBe("3 min");
    expect(formatDuration(3900)).toBe("1 h 5 min");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatInstantDate", () => {
  it("uses the shop's day, not UTC's", () => {
    expect(formatInstantDate("2024-03-10T02:30:00Z", "America/New_York", "en-US")).toBe("Mar 9, 2024");
    expect(formatInstantDate("2024-03-10T02:30:00Z", "Europe/Berlin", "en-US")).toBe("Mar 10, 2024");
    expect(formatInstantDate(null, "UTC", "en-US")).toBe("—");
  });
});
