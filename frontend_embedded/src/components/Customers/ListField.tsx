/** A text field for a comma-separated list that keeps what the merchant types (commas, spaces). */
import { TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { splitList } from "./filters";

interface Props {
  label: string;
  helpText?: string;
  labelHidden?: boolean;
  placeholder?: string;
  values: string[];
  onChange: (values: string[]) => void;
}

export function ListField({ label, helpText, labelHidden, placeholder, values, onChange }: Props) {
  const [text, setText] = useState(values.join(", "));
  const joined = values.join(",");
  // Follow changes made elsewhere (a removed filter chip, "Clear all").
  useEffect(() => {
    setText((current) => (splitList(current).join(",") === joined ? current : values.join(", ")));
  }, [joined]);
  return (
    <TextField
      label={label}
      helpText={helpText}
      labelHidden={labelHidden}
      placeholder={placeholder}
      value={text}
      onChange={(value) => {
        setText(value);
        onChange(splitList(value));
      }}
      autoComplete="off"
    />
  );
}
