/**
 * Immutable editing of a segment rule tree. A node is addressed by its path: the child
 * indexes from the root group ([] is the root, [1, 0] the first child of the root's second).
 */
import type { FieldKind, LeafValue, RuleGroup, RuleLeaf, RuleNode, SegmentField } from "../../crmTypes";

export type Path = readonly number[];
export type ValueShape = "none" | "single" | "range" | "list";
export type EditorKind = FieldKind | "none";

export function isGroup(node: RuleNode): node is RuleGroup {
  return "children" in node;
}

/** Return an empty AND group. */
export function emptyGroup(op: "and" | "or" = "and"): RuleGroup {
  return { op, children: [] };
}

/** Return the shape of value an operator takes: none, one, a [low, high] pair or a list. */
export function valueShape(op: string): ValueShape {
  const normalized = op.trim().toLowerCase();
  if (normalized === "is null" || normalized === "is not null") return "none";
  if (normalized === "between") return "range";
  if (normalized === "in" || normalized === "not in") return "list";
  return "single";
}

/** Return the value editor for a field and operator. */
export function editorFor(field: SegmentField | undefined, op: string): { kind: EditorKind; shape: ValueShape } {
  const shape = valueShape(op);
  if (!field || shape === "none") return { kind: "none", shape };
  return { kind: field.kind as FieldKind, shape };
}

/** Return the starting value for a field and operator, keeping `previous` when it still fits. */
export function defaultValue(field: SegmentField | undefined, op: string, previous?: LeafValue): LeafValue | undefined {
  const shape = valueShape(op);
  if (shape === "none") return undefined;
  const prevList = Array.isArray(previous) ? previous : previous === undefined || previous === null || previous === "" ? [] : [previous];
  if (shape === "list") return prevList;
  if (shape === "range") return [prevList[0] ?? "", prevList[1] ?? ""];
  const single = Array.isArray(previous) ? previous[0] : previous;
  if (single !== undefined && single !== null && single !== "") return single;
  if (field?.kind === "enum" && field.values?.length) return field.values[0];
  if (field?.kind === "date" || field?.kind === "datetime") return "-30d";
  return "";
}

/** Return a new leaf for a field, with its first operator and a starting value. */
export function newLeaf(field: SegmentField): RuleLeaf {
  const op = field.ops[0] ?? "=";
  const value = defaultValue(field, op);
  return value === undefined ? { field: field.name, op } : { field: field.name, op, value };
}

/** Return the node at `path`, or undefined. */
export function getNode(tree: RuleNode, path: Path): RuleNode | undefined {
  let node: RuleNode | undefined = tree;
  for (const index of path) {
    if (!node || !isGroup(node)) return undefined;
    node = node.children[index];
  }
  return node;
}

/** Return a copy of `tree` with the node at `path` replaced by `update(node)`. */
export function updateNode(tree: RuleNode, path: Path, update: (node: RuleNode) => RuleNode): RuleNode {
  if (path.length === 0) return update(tree);
  if (!isGroup(tree)) throw new Error(`No node at path ${path.join(".")}: a leaf has no children.`);
  const [head, ...rest] = path;
  if (head < 0 || head >= tree.children.length) throw new Error(`No child ${head} in a group of ${tree.children.length}.`);
  const children = tree.children.map((child, i) => (i === head ? updateNode(child, rest, update) : child));
  return { ...tree, children };
}

function asGroup(node: RuleNode): RuleGroup {
  if (!isGroup(node)) throw new Error("Rules can only be added to a group.");
  return node;
}

/** Append a node to the group at `groupPath`. */
export function appendChild(tree: RuleNode, groupPath: Path, child: RuleNode): RuleNode {
  return updateNode(tree, groupPath, (node) => {
    const group = asGroup(node);
    return { ...group, children: [...group.children, child] };
  });
}

/** Append a condition on `field` to the group at `groupPath`. */
export function addLeaf(tree: RuleNode, groupPath: Path, field: SegmentField): RuleNode {
  return appendChild(tree, groupPath, newLeaf(field));
}

/** Append a nested group (holding one condition on `field`) to the group at `groupPath`. */
export function addGroup(tree: RuleNode, groupPath: Path, field: SegmentField, op: "and" | "or" = "or"): RuleNode {
  return appendChild(tree, groupPath, { op, children: [newLeaf(field)] });
}

/** Remove the node at `path` (the root cannot be removed). A NOT left empty goes with it. */
export function removeNode(tree: RuleNode, path: Path): RuleNode {
  if (path.length === 0) throw new Error("The root group cannot be removed.");
  const parentPath = path.slice(0, -1);
  const index = path[path.length - 1];
  const parent = getNode(tree, parentPath);
  if (parent && isGroup(parent) && parent.op === "not" && parentPath.length > 0) return removeNode(tree, parentPath);
  return updateNode(tree, parentPath, (node) => {
    const group = asGroup(node);
    return { ...group, children: group.children.filter((_, i) => i !== index) };
  });
}

/** Set whether the group at `path` matches all (and) or any (or) of its children. */
export function setGroupOp(tree: RuleNode, path: Path, op: "and" | "or"): RuleNode {
  return updateNode(tree, path, (node) => ({ ...asGroup(node), op }));
}

/** Wrap the node at `path` in a NOT, or unwrap it when it already is one. */
export function toggleNot(tree: RuleNode, path: Path): RuleNode {
  return updateNode(tree, path, (node) =>
    isGroup(node) && node.op === "not" ? node.children[0] : { op: "not", children: [node] },
  );
}

/** Change the leaf at `path` to another field (first operator, fresh value). */
export function changeField(tree: RuleNode, path: Path, field: SegmentField): RuleNode {
  return updateNode(tree, path, () => newLeaf(field));
}

/** Change the leaf's operator, reshaping its value to what the operator takes. */
export function changeOp(tree: RuleNode, path: Path, op: string, field: SegmentField | undefined): RuleNode {
  return updateNode(tree, path, (node) => {
    const leaf = node as RuleLeaf;
    const value = defaultValue(field, op, leaf.value);
    const next: RuleLeaf = { field: leaf.field, op };
    if (value !== undefined) next.value = value;
    return next;
  });
}

/** Set the leaf's value. */
export function changeValue(tree: RuleNode, path: Path, value: LeafValue): RuleNode {
  return updateNode(tree, path, (node) => ({ ...(node as RuleLeaf), value }));
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** Return the first problem that keeps the tree from being sent, or null when it is complete. */
export function incompleteReason(tree: RuleNode): string | null {
  if (!isGroup(tree)) {
    const shape = valueShape(tree.op);
    if (shape === "none") return null;
    const value = tree.value;
    if (shape === "single" && (blank(value) || Array.isArray(value))) return `Enter a value for ${tree.field}.`;
    if (shape === "range" && (!Array.isArray(value) || value.length !== 2 || value.some(blank)))
      return `Enter both ends of the range for ${tree.field}.`;
    if (shape === "list" && (!Array.isArray(value) || value.length === 0)) return `Choose at least one value for ${tree.field}.`;
    return null;
  }
  if (tree.children.length === 0) return "Add at least one condition.";
  for (const child of tree.children) {
    const reason = incompleteReason(child);
    if (reason) return reason;
  }
  return null;
}

/** Count the conditions (leaves) in the tree. */
export function leafCount(tree: RuleNode): number {
  return isGroup(tree) ? tree.children.reduce((n, child) => n + leafCount(child), 0) : 1;
}

/** Return `node` as an AND/OR root group (a leaf or a NOT at the top is wrapped in an AND). */
export function asRoot(node: RuleNode | null | undefined): RuleGroup {
  if (!node) return emptyGroup();
  if (isGroup(node) && node.op !== "not") return node;
  return { op: "and", children: [node] };
}
