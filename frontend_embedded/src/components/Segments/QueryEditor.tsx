/** Text mode: the segment in Shopify's segment query syntax, with the server's positioned syntax error. */
import { BlockStack, Box, Text, TextField } from "@shopify/polaris";
import "../Customers/crm.css";

export interface QueryError {
  message: string;
  position: number | null;
}

interface Props {
  query: string;
  onChange: (query: string) => void;
  error: QueryError | null;
}

/** Characters of context shown on each side of a syntax error. */
const CONTEXT = 30;

/** Return the query's line holding `position` (trimmed to the text around it) and a caret under that column. */
export function caretLines(query: string, position: number): [string, string] {
  const at = Math.max(0, Math.min(position, query.length));
  const lineStart = query.lastIndexOf("\n", at - 1) + 1;
  const newline = query.indexOf("\n", at);
  const lineEnd = newline === -1 ? query.length : newline;
  const from = Math.max(lineStart, at - CONTEXT);
  const to = Math.min(lineEnd, at + CONTEXT);
  const prefix = from > lineStart ? "…" : "";
  const line = `${prefix}${query.slice(from, to)}${to < lineEnd ? "…" : ""}`;
  return [line, `${" ".repeat(prefix.length + at - from)}^`];
}

export function QueryEditor({ query, onChange, error }: Props) {
  return (
    <BlockStack gap="200">
      <TextField
        label="Segment query"
        helpText="Shopify's segment syntax, e.g. amount_spent > 100 AND (rfm_group = 'CHAMPIONS' OR number_of_orders >= 5) AND last_order_date < -30d"
        value={query}
        onChange={onChange}
        multiline={4}
        monospaced
        autoComplete="off"
        spellCheck={false}
        error={error ? error.message : undefined}
      />
      {error && error.position !== null && (
        <Box background="bg-surface-critical" padding="200" borderRadius="200">
          <Text as="p" variant="bodySm">
            At character {error.position + 1}:
          </Text>
          <pre className="xsight-query-error" data-testid="query-error-caret">
            {caretLines(query, error.position).join("\n")}
          </pre>
        </Box>
      )}
    </BlockStack>
  );
}
