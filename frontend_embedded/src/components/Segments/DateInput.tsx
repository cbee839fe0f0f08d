/** A date condition value: an exact day (YYYY-MM-DD) or a relative one ("30 days ago", "-30d"). */
import { InlineStack, Select, TextField } from "@shopify/polaris";
import { formatRelative, parseRelative, type DateUnit, type RelativeDate } from "./ruleValues";

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
}

const UNITS: { label: string; value: DateUnit }[] = [
  { label: "days", value: "d" },
  { label: "weeks", value: "w" },
  { label: "months", value: "m" },
  { label: "years", value: "y" },
];

export function DateInput({ label, value, onChange }: Props) {
  const relative = parseRelative(value);
  const mode = relative || value === "" ? "relative" : "exact";
  const rel: RelativeDate = relative ?? { amount: 30, unit: "d", direction: "past" };
  const setRel = (patch: Partial<RelativeDate>) => onChange(formatRelative({ ...rel, ...patch }));
  return (
    <InlineStack gap="200" align="start" blockAlign="center">
      <Select
        label={`${label}, kind of date`}
        labelHidden
        options={[
          { label: "Relative", value: "relative" },
          { label: "Exact date", value: "exact" },
        ]}
        value={mode}
        onChange={(next) => onChange(next === "exact" ? new Date().toISOString().slice(0, 10) : "-30d")}
      />
      {mode === "exact" ? (
        <TextField label={label} labelHidden type="date" value={value} onChange={onChange} autoComplete="off" />
      ) : (
        <>
          <div style={{ width: 90 }}>
            <TextField
              label={`${label}, amount`}
              labelHidden
              type="number"
              min={0}
              value={relative ? String(rel.amount) : ""}
              onChange={(amount) => setRel({ amount: Number(amount) || 0 })}
              autoComplete="off"
            />
          </div>
          <Select label={`${label}, unit`} labelHidden options={UNITS} value={rel.unit} onChange={(unit) => setRel({ unit: unit as DateUnit })} />
          <Select
            label={`${label}, direction`}
            labelHidden
            options={[
              { label: "ago", value: "past" },
              { label: "from now", value: "future" },
            ]}
            value={rel.direction}
            onChange={(direction) => setRel({ direction: direction as RelativeDate["direction"] })}
          />
        </>
      )}
    </InlineStack>
  );
}
