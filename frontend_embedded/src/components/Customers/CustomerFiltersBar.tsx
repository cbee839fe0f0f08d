/** Search, filters and sort for the Customers list (Polaris IndexFilters). */
import { ChoiceList, IndexFilters, InlineStack, TextField, useSetIndexFiltersMode } from "@shopify/polaris";
import type { IndexFiltersProps } from "@shopify/polaris";
import { CHURN_RISKS, RFM_GROUPS, SORT_FIELDS } from "./labels";
import { ListField } from "./ListField";
import { EMPTY_FILTERS, type CustomerFilters, type CustomerSort } from "./filters";

type RangeKey = "clv" | "spent" | "orders";

interface Props {
  filters: CustomerFilters;
  onChange: (filters: CustomerFilters) => void;
  sort: CustomerSort;
  onSort: (sort: CustomerSort) => void;
  loading: boolean;
  currency: string;
}

const SORT_OPTIONS: IndexFiltersProps["sortOptions"] = SORT_FIELDS.flatMap(({ field, label, asc, desc }) => [
  { label, value: `${field} asc`, directionLabel: asc },
  { label, value: `${field} desc`, directionLabel: desc },
]);

const RANGES: { key: RangeKey; label: string; money: boolean }[] = [
  { key: "clv", label: "Predicted CLV", money: true },
  { key: "spent", label: "Amount spent", money: true },
  { key: "orders", label: "Number of orders", money: false },
];

function rangeText(min: string, max: string, suffix: string): string {
  if (min && max) return `${min}–${max}${suffix}`;
  return min ? `≥ ${min}${suffix}` : `≤ ${max}${suffix}`;
}

export function CustomerFiltersBar({ filters, onChange, sort, onSort, loading, currency }: Props) {
  const { mode, setMode } = useSetIndexFiltersMode();
  const set = (patch: Partial<CustomerFilters>) => onChange({ ...filters, ...patch });

  const rangeFilter = ({ key, label, money }: (typeof RANGES)[number]) => {
    const minKey = `${key}_min` as keyof CustomerFilters;
    const maxKey = `${key}_max` as keyof CustomerFilters;
    return {
      key,
      label,
      filter: (
        <InlineStack gap="200" wrap={false}>
          {[minKey, maxKey].map((k, i) => (
            <TextField
              key={k}
              label={`${label}, ${i === 0 ? "minimum" : "maximum"}`}
              type="number"
              min={0}
              suffix={money ? currency : undefined}
              value={filters[k] as string}
              onChange={(value) => set({ [k]: value })}
              autoComplete="off"
            />
          ))}
        </InlineStack>
      ),
    };
  };

  const listText = (key: "tag" | "country", label: string, help: string) => ({
    key,
    label,
    filter: (
      <ListField label={label} helpText={help} values={filters[key]} onChange={(values) => set({ [key]: values })} />
    ),
  });

  const filterDefs: IndexFiltersProps["filters"] = [
    {
      key: "rfm_group",
      label: "RFM group",
      pinned: true,
      filter: (
        <ChoiceList
          title="RFM group"
          titleHidden
          allowMultiple
          choices={RFM_GROUPS.map(({ value, label }) => ({ value, label }))}
          selected={filters.rfm_group}
          onChange={(rfm_group) => set({ rfm_group })}
        />
      ),
    },
    {
      key: "churn_risk",
      label: "Churn risk",
      pinned: true,
      filter: (
        <ChoiceList
          title="Churn risk"
          titleHidden
          allowMultiple
          choices={CHURN_RISKS.map(({ value, label }) => ({ value, label }))}
          selected={filters.churn_risk}
          onChange={(churn_risk) => set({ churn_risk })}
        />
      ),
    },
    ...RANGES.map(rangeFilter),
    listText("tag", "Tags", "Customers with all of these tags, separated by commas."),
    listText("country", "Country", "Country codes such as US, GB, separated by commas."),
  ];

  const applied: IndexFiltersProps["appliedFilters"] = [];
  const choiceLabel = (values: string[], all: { value: string; label: string }[]) =>
    values.map((v) => all.find((c) => c.value === v)?.label ?? v).join(", ");
  if (filters.rfm_group.length)
    applied.push({ key: "rfm_group", label: `RFM: ${choiceLabel(filters.rfm_group, RFM_GROUPS)}`, onRemove: () => set({ rfm_group: [] }) });
  if (filters.churn_risk.length)
    applied.push({ key: "churn_risk", label: `Churn risk: ${choiceLabel(filters.churn_risk, CHURN_RISKS)}`, onRemove: () => set({ churn_risk: [] }) });
  for (const { key, label, money } of RANGES) {
    const min = filters[`${key}_min` as keyof CustomerFilters] as string;
    const max = filters[`${key}_max` as keyof CustomerFilters] as string;
    if (min || max)
      applied.push({ key, label: `${label} ${rangeText(min, max, money ? ` ${currency}` : "")}`, onRemove: () => set({ [`${key}_min`]: "", [`${key}_max`]: "" }) });
  }
  if (filters.tag.length) applied.push({ key: "tag", label: `Tags: ${filters.tag.join(", ")}`, onRemove: () => set({ tag: [] }) });
  if (filters.country.length)
    applied.push({ key: "country", label: `Country: ${filters.country.join(", ")}`, onRemove: () => set({ country: [] }) });

  return (
    <IndexFilters
      tabs={[{ id: "all-customers", content: "All customers" }]}
      selected={0}
      onSelect={() => {}}
      canCreateNewView={false}
      queryValue={filters.q}
      queryPlaceholder="Search by name or email"
      onQueryChange={(q) => set({ q })}
      onQueryClear={() => set({ q: "" })}
      sortOptions={SORT_OPTIONS}
      sortSelected={[`${sort.field} ${sort.direction}`]}
      onSort={([value]) => {
        const [field, direction] = value.split(" ");
        onSort({ field, direction: direction === "asc" ? "asc" : "desc" });
      }}
      filters={filterDefs}
      appliedFilters={applied}
      onClearAll={() => onChange({ ...EMPTY_FILTERS, q: filters.q })}
      mode={mode}
      setMode={setMode}
      loading={loading}
      cancelAction={{ onAction: () => onChange(EMPTY_FILTERS), disabled: false, loading: false }}
    />
  );
}
