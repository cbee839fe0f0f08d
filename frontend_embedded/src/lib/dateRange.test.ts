import { describe, expect, it } from "vitest";
import { addDays, isValidRange, matchPreset, presetRange, todayIn } from "./dateRange";

// 03:00 UTC on 1 March 2024 is still 29 February in Los Angeles (leap year).
const NOW = new Date("2024-03-01T03:00:00Z");

describe("presets in the shop time zone", () => {
  it("takes today in the shop zone", () => {
    expect(todayIn("America/Los_Angeles", NOW)).toBe("2024-02-29");
    expect(todayIn("Europe/Berlin", NOW)).toBe("2024-03-01");
  });

  it("computes each preset as an inclusive range", () => {
    const zone = "America/Los_Angeles";
    expect(presetRange("today", zone, NOW)).toEqual({ start: "2024-02-29", end: "2024-02-29" });
    expect(presetRange("last7", zone, NOW)).toEqual({ start: "2024-02-23", end: "2024-02-29" });
    expect(presetRange("last30", zone, NOW)).toEqual({ start: "2024-01-31", end: "2024-02-29" });
    expect(presetRange("last90", zone, NOW)).toEqual({ start: "2023-12-02", end: "2024-02-29" });
    expect(presetRange("thisMonth", zone, NOW)).toEqual({ start: "2024-02-01", end: "2024-02-29" });
    expect(presetRange("lastMonth", zone, NOW)).toEqual({ start: "2024-01-01", end: "2024-01-31" });
    expect(presetRange("thisYear", zone, NOW)).toEqual({ start: "2024-01-01", end: "2024-02-29" });
  });

  it("handles last month across a year boundary", () => {
    expect(presetRange("lastMonth", "UTC", new Date("2024-01-15T12:00:00Z"))).toEqual({
      start: "2023-12-01",
      end: "2023-12-31",
    });
  });

  it("recognises a preset range and calls anything else custom", () => {
    expect(matchPreset({ start: "2024-02-23", end: "2024-02-29" }, "America/Los_Angeles", NOW)).toBe("last7");
    expect(matchPreset({ start: "2024-02-20", end: "2024-02-21" }, "America/Los_Angeles", NOW)).toBe("custom");
  });

  it("adds days across months and validates ranges", () => {
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(isValidRange({ start: "2024-01-02", end: "2024-01-01" })).toBe(false);
    expect(isValidRange({ start: "2024-01-01", end: "2024-01-01" })).toBe(true);
  });
});
