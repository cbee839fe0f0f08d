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

/** Return the query's line holding `position` and a caret under that column. */
export function caretLines(query: string, position: number): [string, string] {
  const at = Math.max(0, Math.min(position, query.length));
  const start = query.lastIndexOf("\n", at - 1) + 1;
  const endIndex = query.indexOf("\n", at);
  const line = query.slice(start, endIndex === -1 ? undefined : endIndex);
  return [line, `${" ".repeat(at - start)}^`];
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
