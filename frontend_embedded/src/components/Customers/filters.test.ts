import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  customersPath,
  DEFAULT_SORT,
  EMPTY_FILTERS,
  exportPath,
  filtersToParams,
  parseSort,
  splitList,
} from "./filters";

describe("customer filters to query parameters", () => {
  it("sends only the sort for empty filters", () => {
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe("sort=amount_spent&direction=desc");
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
  });

  it("joins lists with commas, trims the search and drops non-numbers", () => {
    const params = filtersToParams(
      {
        ...EMPTY_FILTERS,
        q: "  ada ",
        rfm_group: ["CHAMPIONS", "LOYAL"],
        churn_risk: ["high"],
        country: ["GB", " FR "],
        tag: ["vip"],
        spent_min: "100",
        spent_max: "abc",
        orders_min: "2",
        clv_max: "500.5",
      },
      { field: "last_order_date", direction: "asc" },
    );
    expect(Object.fromEntries(params)).toEqual({
      q: "ada",
      rfm_group: "CHAMPIONS,LOYAL",
      churn_risk: "high",
      country: "GB,FR",
      tag: "vip",
      spent_min: "100",
      orders_min: "2",
      clv_max: "500.5",
      sort: "last_order_date",
      direction: "asc",
    });
  });

  it("counts a range once whichever end is set", () => {
    expect(activeFilterCount({ ...EMPTY_FILTERS, spent_min: "1", spent_max: "9", tag: ["a"] })).toBe(2);
    expect(activeFilterCount({ ...EMPTY_FILTERS, clv_max: "x" })).toBe(0);
  });

  it("builds the list and export paths, escaping the search", () => {
    const filters = { ...EMPTY_FILTERS, q: "a&b" };
    expect(customersPath(filters, DEFAULT_SORT)).toBe("/customers?q=a%26b&sort=amount_spent&direction=desc");
    expect(exportPath(filters, DEFAULT_SORT)).toBe("/customers/export.csv?q=a%26b&sort=amount_spent&direction=desc");
  });

  it("parses sort choices and comma lists", () => {
    expect(parseSort("p_alive asc")).toEqual({ field: "p_alive", direction: "asc" });
    expect(parseSort(undefined)).toEqual(DEFAULT_SORT);
    expect(splitList(" vip, wholesale ,, ")).toEqual(["vip", "wholesale"]);
  });
});
