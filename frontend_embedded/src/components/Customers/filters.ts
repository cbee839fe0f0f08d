/** The Customers list's search, filters and sort, and how they become API query parameters. */

export interface CustomerFilters {
  q: string;
  rfm_group: string[];
  churn_risk: string[];
  country: string[];
  tag: string[];
  clv_min: string;
  clv_max: string;
  spent_min: string;
  spent_max: string;
  orders_min: string;
  orders_max: string;
}

export type Direction = "asc" | "desc";

export interface CustomerSort {
  field: string;
  direction: Direction;
}

export const EMPTY_FILTERS: CustomerFilters = {
  q: "",
  rfm_group: [],
  churn_risk: [],
  country: [],
  tag: [],
  clv_min: "",
  clv_max: "",
  spent_min: "",
  spent_max: "",
  orders_min: "",
  orders_max: "",
};

export const DEFAULT_SORT: CustomerSort = { field: "amount_spent", direction: "desc" };
export const PAGE_SIZE = 50;

const LIST_KEYS = ["rfm_group", "churn_risk", "country", "tag"] as const;
const RANGE_KEYS = ["clv_min", "clv_max", "spent_min", "spent_max", "orders_min", "orders_max"] as const;

/** Return a number-like text trimmed, or "" when it is not a finite number (ignored). */
export function cleanNumber(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "" || !Number.isFinite(Number(trimmed))) return "";
  return trimmed;
}

/** Return the query parameters for these filters and sort (empty filters are left out). */
export function filtersToParams(filters: CustomerFilters, sort: CustomerSort = DEFAULT_SORT): URLSearchParams {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set("q", q);
  for (const key of LIST_KEYS) {
    const values = filters[key].map((v) => v.trim()).filter(Boolean);
    if (values.length) params.set(key, values.join(","));
  }
  for (const key of RANGE_KEYS) {
    const value = cleanNumber(filters[key]);
    if (value) params.set(key, value);
  }
  params.set("sort", sort.field);
  params.set("direction", sort.direction);
  return params;
}

/** Return the API path of the customer list for these filters (the pager adds `limit` and `after`). */
export function customersPath(filters: CustomerFilters, sort: CustomerSort): string {
  return `/customers?${filtersToParams(filters, sort).toString()}`;
}

/** Return the API path of the CSV export of every customer matching the filters. */
export function exportPath(filters: CustomerFilters, sort: CustomerSort): string {
  return `/customers/export.csv?${filtersToParams(filters, sort).toString()}`;
}

/** Return how many filters (not counting the search) are set. */
export function activeFilterCount(filters: CustomerFilters): number {
  const lists = LIST_KEYS.filter((key) => filters[key].length > 0).length;
  const pairs: [keyof CustomerFilters, keyof CustomerFilters][] = [
    ["clv_min", "clv_max"],
    ["spent_min", "spent_max"],
    ["orders_min", "orders_max"],
  ];
  const ranges = pairs.filter(([a, b]) => cleanNumber(filters[a] as string) || cleanNumber(filters[b] as string)).length;
  return lists + ranges;
}

/** Split a comma-separated text box into values. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Parse an IndexFilters sort value ("amount_spent desc"). */
export function parseSort(value: string | undefined): CustomerSort {
  if (!value) return DEFAULT_SORT;
  const [field, direction] = value.split(" ");
  return { field, direction: direction === "asc" ? "asc" : "desc" };
}
