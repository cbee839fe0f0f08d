/** The value input of one condition, chosen by the field's kind and the operator's shape. */
import { ChoiceList, InlineStack, Select, TextField } from "@shopify/polaris";
import type { LeafValue, SegmentField } from "../../crmTypes";
import { ListField } from "../Customers/ListField";
import { DateInput } from "./DateInput";
import { editorFor } from "./ruleTree";

interface Props {
  field: SegmentField | undefined;
  op: string;
  value: LeafValue | undefined;
  onChange: (value: LeafValue) => void;
  currency: string;
  /** Prefix for input labels, e.g. "Condition 2". */
  label: string;
}

/** Return an enum value as words ("NOT_SUBSCRIBED" → "Not subscribed"). */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function text(value: LeafValue | undefined): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? String(value[0] ?? "") : String(value);
}

function list(value: LeafValue | undefined): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined || value === null || value === "" ? [] : [String(value)];
}

function Single(props: { kind: string; field: SegmentField; value: string; onChange: (v: string) => void; label: string; currency: string }) {
  const input = <SingleInput {...props} />;
  // Text inputs get a fixed width so a condition stays on one line; selects size to their text.
  return ["date", "datetime", "enum"].includes(props.kind) ? input : <div className="xsight-rule-value">{input}</div>;
}

function SingleInput({ kind, field, value, onChange, label, currency }: { kind: string; field: SegmentField; value: string; onChange: (v: string) => void; label: string; currency: string }) {
  switch (kind) {
    case "money":
      return <TextField label={label} labelHidden type="number" min={0} step={0.01} suffix={currency} value={value} onChange={onChange} autoComplete="off" />;
    case "integer":
      return <TextField label={label} labelHidden type="number" step={1} value={value} onChange={onChange} autoComplete="off" />;
    case "number":
      return <TextField label={label} labelHidden type="number" step={0.01} value={value} onChange={onChange} autoComplete="off" />;
    case "date":
    case "datetime":
      return <DateInput label={label} value={value} onChange={onChange} />;
    case "enum":
      return <Select label={label} labelHidden options={(field.values ?? []).map((v) => ({ label: humanize(v), value: v }))} value={value} onChange={onChange} />;
    case "product":
      return <TextField label={label} labelHidden placeholder="Product ID, e.g. 8123456789" value={value} onChange={onChange} autoComplete="off" />;
    case "tags":
      return <TextField label={label} labelHidden placeholder="Tag" value={value} onChange={onChange} autoComplete="off" />;
    default:
      return <TextField label={label} labelHidden value={value} onChange={onChange} autoComplete="off" />;
  }
}

export function ValueEditor({ field, op, value, onChange, currency, label }: Props) {
  const { kind, shape } = editorFor(field, op);
  if (!field || shape === "none") return null;
  if (shape === "range") {
    const pair = list(value);
    const set = (i: number, v: string) => onChange(i === 0 ? [v, pair[1] ?? ""] : [pair[0] ?? "", v]);
    return (
      <InlineStack gap="200" align="start" blockAlign="center">
        <Single kind={kind} field={field} value={pair[0] ?? ""} onChange={(v) => set(0, v)} label={`${label}, from`} currency={currency} />
        <span aria-hidden="true">and</span>
        <Single kind={kind} field={field} value={pair[1] ?? ""} onChange={(v) => set(1, v)} label={`${label}, to`} currency={currency} />
      </InlineStack>
    );
  }
  if (shape === "list") {
    if (kind === "enum") {
      return (
        <ChoiceList
          title={label}
          titleHidden
          allowMultiple
          choices={(field.values ?? []).map((v) => ({ label: humanize(v), value: v }))}
          selected={list(value)}
          onChange={onChange}
        />
      );
    }
    return <ListField label={label} labelHidden values={list(value)} onChange={onChange} placeholder="Values, separated by commas" />;
  }
  return <Single kind={kind} field={field} value={text(value)} onChange={onChange} label={label} currency={currency} />;
}
