/** The visual rule builder: nested AND/OR groups of conditions, any of them negated with NOT. */
import { BlockStack, Box, Button, Checkbox, InlineStack, Select, Text } from "@shopify/polaris";
import { DeleteIcon } from "@shopify/polaris-icons";
import type { RuleGroup, RuleLeaf, RuleNode, SegmentField } from "../../crmTypes";
import "../Customers/crm.css";
import {
  addGroup,
  addLeaf,
  changeField,
  changeOp,
  changeValue,
  isGroup,
  removeNode,
  setGroupOp,
  toggleNot,
  type Path,
} from "./ruleTree";
import { ValueEditor } from "./ValueEditor";

const OP_LABEL: Record<string, string> = {
  "=": "is",
  "!=": "is not",
  ">": "greater than",
  ">=": "at least",
  "<": "less than",
  "<=": "at most",
  between: "between",
  in: "is any of",
  "not in": "is none of",
  "is null": "is empty",
  "is not null": "is not empty",
  contains: "contains",
  "not contains": "does not contain",
};
const DATE_OP_LABEL: Record<string, string> = { ">": "after", ">=": "on or after", "<": "before", "<=": "on or before", "=": "on" };

/** Return how an operator reads for a field kind ("<" on a date reads "before"). */
export function opLabel(op: string, kind: string): string {
  const key = op.toLowerCase();
  return (kind === "date" || kind === "datetime" ? DATE_OP_LABEL[key] : undefined) ?? OP_LABEL[key] ?? op;
}

interface Props {
  tree: RuleGroup;
  fields: SegmentField[];
  currency: string;
  onChange: (tree: RuleGroup) => void;
}

interface Ctx extends Props {
  apply: (edit: (tree: RuleNode) => RuleNode) => void;
}

/** "Not", naming the condition or group for screen readers ("Not condition 2.1"). */
function NotLabel({ name }: { name: string }) {
  return (
    <>
      Not<span className="xsight-visually-hidden"> {name.toLowerCase()}</span>
    </>
  );
}

const label = (path: Path) => `Condition ${path.map((i) => i + 1).join(".")}`;

function LeafEditor({ leaf, path, notPath, negated, ctx }: { leaf: RuleLeaf; path: Path; notPath: Path; negated: boolean; ctx: Ctx }) {
  const field = ctx.fields.find((f) => f.name === leaf.field);
  const name = label(path);
  return (
    <Box paddingBlock="100" data-testid="rule-leaf">
      <InlineStack gap="200" align="space-between" blockAlign="start" wrap={false}>
        <InlineStack gap="200" align="start" blockAlign="start" wrap>
          <Checkbox label={<NotLabel name={name} />} checked={negated} onChange={() => ctx.apply((t) => toggleNot(t, notPath))} />
          <Select
            label={`${name} field`}
            labelHidden
            options={ctx.fields.map((f) => ({ label: f.label, value: f.name }))}
            value={leaf.field}
            onChange={(next) => {
              const nextField = ctx.fields.find((f) => f.name === next);
              if (nextField) ctx.apply((t) => changeField(t, path, nextField));
            }}
          />
          <Select
            label={`${name} operator`}
            labelHidden
            options={(field?.ops ?? [leaf.op]).map((op) => ({ label: opLabel(op, field?.kind ?? ""), value: op }))}
            value={leaf.op}
            onChange={(op) => ctx.apply((t) => changeOp(t, path, op, field))}
          />
          <ValueEditor
            field={field}
            op={leaf.op}
            value={leaf.value}
            label={`${name} value`}
            currency={ctx.currency}
            onChange={(value) => ctx.apply((t) => changeValue(t, path, value))}
          />
        </InlineStack>
        <Button icon={DeleteIcon} variant="tertiary" accessibilityLabel={`Remove ${name.toLowerCase()}`} onClick={() => ctx.apply((t) => removeNode(t, path))} />
      </InlineStack>
    </Box>
  );
}

function GroupEditor({ group, path, notPath, negated, ctx }: { group: RuleGroup; path: Path; notPath: Path; negated: boolean; ctx: Ctx }) {
  const root = path.length === 0;
  const name = root ? "Segment" : `Group ${path.map((i) => i + 1).join(".")}`;
  const first = ctx.fields[0];
  return (
    <div className={root ? undefined : "xsight-rule-group"} data-negated={negated} data-testid={root ? "rule-root" : "rule-group"}>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          {!root && <Checkbox label={<NotLabel name={name} />} checked={negated} onChange={() => ctx.apply((t) => toggleNot(t, notPath))} />}
          <Text as="span">{root ? "Customers who match" : "Match"}</Text>
          <Select
            label={`${name}: match`}
            labelHidden
            options={[
              { label: "all of", value: "and" },
              { label: "any of", value: "or" },
            ]}
            value={group.op === "or" ? "or" : "and"}
            onChange={(op) => ctx.apply((t) => setGroupOp(t, path, op as "and" | "or"))}
          />
          <Text as="span">these conditions</Text>
          {!root && (
            <Button variant="tertiary" tone="critical" onClick={() => ctx.apply((t) => removeNode(t, path))} accessibilityLabel={`Remove ${name.toLowerCase()}`}>
              Remove group
            </Button>
          )}
        </InlineStack>
        {group.children.map((child, index) => (
          <NodeEditor key={index} node={child} path={[...path, index]} ctx={ctx} />
        ))}
        {first && (
          <InlineStack gap="200">
            <Button onClick={() => ctx.apply((t) => addLeaf(t, path, first))} accessibilityLabel={`Add condition to ${name.toLowerCase()}`}>
              Add condition
            </Button>
            <Button variant="plain" onClick={() => ctx.apply((t) => addGroup(t, path, first))} accessibilityLabel={`Add group to ${name.toLowerCase()}`}>
              Add group
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </div>
  );
}

/** Render a child; a NOT node is shown as its child with "Not" ticked. */
function NodeEditor({ node, path, ctx }: { node: RuleNode; path: Path; ctx: Ctx }) {
  let inner = node;
  let innerPath = path;
  const negated = isGroup(node) && node.op === "not" && node.children.length === 1;
  if (negated) {
    inner = node.children[0];
    innerPath = [...path, 0];
  }
  return isGroup(inner) ? (
    <GroupEditor group={inner} path={innerPath} notPath={path} negated={negated} ctx={ctx} />
  ) : (
    <LeafEditor leaf={inner} path={innerPath} notPath={path} negated={negated} ctx={ctx} />
  );
}

export function RuleEditor(props: Props) {
  const ctx: Ctx = { ...props, apply: (edit) => props.onChange(edit(props.tree) as RuleGroup) };
  return <GroupEditor group={props.tree} path={[]} notPath={[]} negated={false} ctx={ctx} />;
}
