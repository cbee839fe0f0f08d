/** The builder's live preview: how many customers match now, and up to 20 of them. */
import { BlockStack, Box, Card, InlineStack, Link, SkeletonBodyText, SkeletonDisplayText, Spinner, Text } from "@shopify/polaris";
import { formatCount, formatMoney } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { displayName } from "../Customers/CustomersTable";
import { ErrorBanner } from "../Layout/ErrorBanner";
import type { PreviewState } from "./useSegmentPreview";

interface Props extends PreviewState {
  /** Why there is nothing to preview yet (an incomplete rule), if so. */
  waitingFor: string | null;
  retry: () => void;
}

export function PreviewCard({ preview, loading, error, waitingFor, retry }: Props) {
  const { locale, currency } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Preview
          </Text>
          {loading && <Spinner size="small" accessibilityLabel="Updating the preview" />}
        </InlineStack>
        <div aria-live="polite" style={{ minHeight: 32 }}>
          {waitingFor ? (
            <Text as="p" tone="subdued">
              {waitingFor}
            </Text>
          ) : preview && !error ? (
            <Text as="p" variant="headingLg">
              <span data-testid="preview-count">{formatCount(preview.count, locale)}</span>{" "}
              {preview.count === 1 ? "customer matches" : "customers match"}
            </Text>
          ) : error ? null : (
            <SkeletonDisplayText size="small" />
          )}
        </div>
        {error && !waitingFor && <ErrorBanner title="The preview failed" error={error} onRetry={retry} />}
        {!waitingFor &&
          !error &&
          (preview ? (
            preview.sample.length > 0 && (
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm" tone="subdued">
                  {preview.sample.length < preview.count ? `Top ${preview.sample.length} by amount spent` : "By amount spent"}
                </Text>
                <ul aria-label="Matching customers" style={{ listStyle: "none", margin: 0, padding: 0 }} data-testid="preview-sample">
                  {preview.sample.map((customer) => (
                    <li key={customer.id}>
                      <Box paddingBlock="150" borderBlockEndWidth="025" borderColor="border-secondary">
                        <InlineStack align="space-between" gap="200" wrap={false}>
                          <Link url={`/customers/${customer.id}`} monochrome removeUnderline>
                            {displayName(customer)}
                          </Link>
                          <Text as="span" numeric tone="subdued">
                            {formatMoney(customer.amount_spent, preview.currency || currency, locale)}
                          </Text>
                        </InlineStack>
                      </Box>
                    </li>
                  ))}
                </ul>
              </BlockStack>
            )
          ) : (
            <SkeletonBodyText lines={5} />
          ))}
      </BlockStack>
    </Card>
  );
}
