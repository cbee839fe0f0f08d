import { fireEvent, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { RuleGroup, SegmentField } from "../../crmTypes";
import { renderWithShop } from "../../test/render";
import { RuleEditor } from "./RuleEditor";

const FIELDS: SegmentField[] = [
  { name: "amount_spent", label: "Amount spent", kind: "money", ops: [">", "between", "is null"], values: null },
  { name: "rfm_group", label: "RFM group", kind: "enum", ops: ["=", "in"], values: ["CHAMPIONS", "LOYAL", "AT_RISK"] },
  { name: "last_order_date", label: "Last order date", kind: "date", ops: ["<", ">"], values: null },
];

let latest: RuleGroup | null = null;

function Harness({ initial }: { initial: RuleGroup }) {
  const [tree, setTree] = useState(initial);
  latest = tree;
  return <RuleEditor tree={tree} fields={FIELDS} currency="EUR" onChange={setTree} />;
}

const select = (name: string) => screen.getByLabelText(name) as HTMLSelectElement;

describe("RuleEditor", () => {
  it("adds conditions and nested groups, and removes them", () => {
    renderWithShop(<Harness initial={{ op: "and", children: [] }} />);
    fireEvent.click(screen.getByRole("button", { name: "Add condition to segment" }));
    expect(screen.getAllByTestId("rule-leaf")).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Add group to segment" }));
    expect(screen.getAllByTestId("rule-group")).toHaveLength(1);
    fireEvent.change(select("Group 2: match"), { target: { value: "and" } });
    fireEvent.click(screen.getByRole("button", { name: "Add condition to group 2" }));
    expect(latest).toEqual({
      op: "and",
      children: [
        { field: "amount_spent", op: ">", value: "" },
        { op: "and", children: [{ field: "amount_spent", op: ">", value: "" }, { field: "amount_spent", op: ">", value: "" }] },
      ],
    });
    fireEvent.click(screen.getByRole("button", { name: "Remove group 2" }));
    expect(screen.queryAllByTestId("rule-group")).toHaveLength(0);
    expect(latest!.children).toHaveLength(1);
  });

  it("shows the value editor the operator needs", () => {
    renderWithShop(<Harness initial={{ op: "and", children: [{ field: "amount_spent", op: ">", value: "10" }] }} />);
    expect((screen.getByLabelText("Condition 1 value") as HTMLInputElement).value).toBe("10");
    fireEvent.change(select("Condition 1 operator"), { target: { value: "between" } });
    expect((screen.getByLabelText("Condition 1 value, from") as HTMLInputElement).value).toBe("10");
    fireEvent.change(screen.getByLabelText("Condition 1 value, to"), { target: { value: "99" } });
    expect(latest!.children[0]).toEqual({ field: "amount_spent", op: "between", value: ["10", "99"] });
    fireEvent.change(select("Condition 1 operator"), { target: { value: "is null" } });
    expect(screen.queryByLabelText(/Condition 1 value/)).toBeNull();

    fireEvent.change(select("Condition 1 field"), { target: { value: "rfm_group" } });
    expect(select("Condition 1 value").value).toBe("CHAMPIONS");
    fireEvent.change(select("Condition 1 operator"), { target: { value: "in" } });
    fireEvent.click(screen.getByLabelText("Loyal"));
    expect(latest!.children[0]).toEqual({ field: "rfm_group", op: "in", value: ["CHAMPIONS", "LOYAL"] });

    fireEvent.change(select("Condition 1 field"), { target: { value: "last_order_date" } });
    expect(select("Condition 1 operator").selectedOptions[0].textContent).toBe("before");
    fireEvent.change(screen.getByLabelText("Condition 1 value, amount"), { target: { value: "45" } });
    expect(latest!.children[0]).toEqual({ field: "last_order_date", op: "<", value: "-45d" });
  });

  it("negates a condition with Not and shows it unwrapped", () => {
    renderWithShop(<Harness initial={{ op: "or", children: [{ field: "amount_spent", op: ">", value: "5" }] }} />);
    fireEvent.click(screen.getByLabelText("Not condition 1"));
    expect(latest).toEqual({ op: "or", children: [{ op: "not", children: [{ field: "amount_spent", op: ">", value: "5" }] }] });
    expect((screen.getByLabelText("Condition 1.1 value") as HTMLInputElement).value).toBe("5");
    fireEvent.click(screen.getByLabelText("Not condition 1.1"));
    expect(latest).toEqual({ op: "or", children: [{ field: "amount_spent", op: ">", value: "5" }] });
  });
});
