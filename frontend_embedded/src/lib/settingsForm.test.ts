import { describe, expect, it } from "vitest";
import type { ShopSettings } from "../api/settings";
import { economicsForm, intervalLabel, parseEconomics } from "./settingsForm";

const LIMITS: ShopSettings["limits"] = { sync_interval_minutes: [15, 60], margin: [0.01, 1], monthly_discount_rate: [0, 0.2] };

describe("economics form", () => {
  it("shows fractions as percentages and sends fractions back", () => {
    const form = economicsForm({ margin: 0.355, monthly_discount_rate: 0.01 } as ShopSettings);
    expect(form).toEqual({ marginPct: "35.5", discountPct: "1" });
    expect(parseEconomics({ marginPct: "35,5", discountPct: "1.25" }, LIMITS)).toEqual({
      change: { margin: 0.355, monthly_discount_rate: 0.0125 },
      errors: {},
    });
  });

  it("says what is wrong with each field", () => {
    const { change, errors } = parseEconomics({ marginPct: "", discountPct: "30" }, LIMITS);
    expect(change).toEqual({});
    expect(errors.marginPct).toBe("Enter the margin as a number, e.g. 40.");
    expect(errors.discountPct).toBe("The discount rate must be between 0% and 20%.");
    expect(parseEconomics({ marginPct: "0", discountPct: "1" }, LIMITS).errors.marginPct).toBe(
      "The margin must be between 1% and 100%.",
    );
  });

  it("names intervals", () => {
    expect([15, 60, 120, 1440, 2880].map(intervalLabel)).toEqual([
      "Every 15 minutes",
      "Every hour",
      "Every 2 hours",
      "Once a day",
      "Every 2 days",
    ]);
  });
});
