import { describe, expect, it } from "vitest";
import type { RuleGroup, SegmentField } from "../../crmTypes";
import {
  addGroup,
  addLeaf,
  asRoot,
  changeField,
  changeOp,
  changeValue,
  editorFor,
  emptyGroup,
  getNode,
  incompleteReason,
  leafCount,
  removeNode,
  setGroupOp,
  toggleNot,
} from "./ruleTree";

const SPENT: SegmentField = { name: "amount_spent", label: "Amount spent", kind: "money", ops: [">", "<", "between", "is null"], values: null };
const RFM: SegmentField = { name: "rfm_group", label: "RFM group", kind: "enum", ops: ["=", "in", "not in"], values: ["CHAMPIONS", "LOYAL"] };
const LAST: SegmentField = { name: "last_order_date", label: "Last order date", kind: "date", ops: ["<", "between"], values: null };

describe("rule tree editing", () => {
  it("adds conditions and nested groups by path", () => {
    let tree = addLeaf(emptyGroup(), [], SPENT);
    tree = addGroup(tree, [], RFM);
    tree = addLeaf(tree, [1], LAST);
    expect(tree).toEqual({
      op: "and",
      children: [
        { field: "amount_spent", op: ">", value: "" },
        { op: "or", children: [{ field: "rfm_group", op: "=", value: "CHAMPIONS" }, { field: "last_order_date", op: "<", value: "-30d" }] },
      ],
    });
    expect(leafCount(tree)).toBe(3);
    expect(getNode(tree, [1, 1])).toEqual({ field: "last_order_date", op: "<", value: "-30d" });
  });

  it("removes a node, and a NOT together with its only child", () => {
    let tree = addLeaf(addLeaf(emptyGroup(), [], SPENT), [], RFM);
    tree = toggleNot(tree, [1]);
    expect(getNode(tree, [1])).toEqual({ op: "not", children: [{ field: "rfm_group", op: "=", value: "CHAMPIONS" }] });
    expect(removeNode(tree, [1, 0])).toEqual({ op: "and", children: [{ field: "amount_spent", op: ">", value: "" }] });
    expect(removeNode(tree, [0])).toEqual({ op: "and", children: [getNode(tree, [1])] });
    expect(() => removeNode(tree, [])).toThrow(/root/);
  });

  it("switches a group between AND and OR and toggles NOT both ways", () => {
    const tree = addGroup(addLeaf(emptyGroup(), [], SPENT), [], RFM, "and");
    expect((getNode(setGroupOp(tree, [1], "or"), [1]) as RuleGroup).op).toBe("or");
    expect(toggleNot(toggleNot(tree, [1]), [1])).toEqual(tree);
  });

  it("never changes the tree it was given", () => {
    const tree = addLeaf(emptyGroup(), [], SPENT);
    const copy = structuredClone(tree);
    changeValue(tree, [0], "10");
    removeNode(tree, [0]);
    addGroup(tree, [], RFM);
    expect(tree).toEqual(copy);
  });

  it("reshapes the value and picks the editor when the operator changes", () => {
    let tree = changeValue(addLeaf(emptyGroup(), [], SPENT), [0], "100");
    tree = changeOp(tree, [0], "between", SPENT);
    expect(getNode(tree, [0])).toEqual({ field: "amount_spent", op: "between", value: ["100", ""] });
    expect(editorFor(SPENT, "between")).toEqual({ kind: "money", shape: "range" });
    tree = changeOp(tree, [0], "is null", SPENT);
    expect(getNode(tree, [0])).toEqual({ field: "amount_spent", op: "is null" });
    expect(editorFor(SPENT, "is null")).toEqual({ kind: "none", shape: "none" });
    tree = changeOp(tree, [0], ">", SPENT);
    expect(getNode(tree, [0])).toEqual({ field: "amount_spent", op: ">", value: "" });

    let rfm = addLeaf(emptyGroup(), [], RFM);
    rfm = changeOp(rfm, [0], "in", RFM);
    expect(getNode(rfm, [0])).toEqual({ field: "rfm_group", op: "in", value: ["CHAMPIONS"] });
    expect(editorFor(RFM, "in")).toEqual({ kind: "enum", shape: "list" });
    expect(editorFor(LAST, "<")).toEqual({ kind: "date", shape: "single" });
  });

  it("changing the field starts the condition over", () => {
    const tree = changeField(changeValue(addLeaf(emptyGroup(), [], SPENT), [0], "5"), [0], RFM);
    expect(getNode(tree, [0])).toEqual({ field: "rfm_group", op: "=", value: "CHAMPIONS" });
  });

  it("says what is missing before the tree can be previewed", () => {
    expect(incompleteReason(emptyGroup())).toMatch(/at least one condition/);
    let tree = addLeaf(emptyGroup(), [], SPENT);
    expect(incompleteReason(tree)).toMatch(/Enter a value for amount_spent/);
    tree = changeValue(tree, [0], "100");
    expect(incompleteReason(tree)).toBeNull();
    tree = changeOp(tree, [0], "between", SPENT);
    expect(incompleteReason(tree)).toMatch(/both ends/);
    tree = addGroup(changeValue(tree, [0], ["1", "2"]), [], RFM);
    expect(incompleteReason(tree)).toBeNull();
    expect(incompleteReason(changeOp(tree, [1, 0], "in", RFM))).toBeNull();
    expect(incompleteReason(changeValue(changeOp(tree, [1, 0], "in", RFM), [1, 0], []))).toMatch(/at least one value/);
  });

  it("wraps a leaf or NOT root in an AND group", () => {
    const leaf = { field: "amount_spent", op: ">", value: 1 };
    expect(asRoot(leaf)).toEqual({ op: "and", children: [leaf] });
    expect(asRoot(null)).toEqual(emptyGroup());
    expect(asRoot({ op: "or", children: [leaf] })).toEqual({ op: "or", children: [leaf] });
  });
});
