/** The builder's live preview: how many customers match now, and up to 20 of them. */
import { BlockStack, Box, Card, InlineStack, SkeletonBodyText, SkeletonDisplayText, Spinner, Text } from "@shopify/polaris";
import { formatCount } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { CustomersTable } from "../Customers/CustomersTable";
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
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="200">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Preview
            </Text>
            {loading && <Spinner size="small" accessibilityLabel="Updating the preview" />}
          </InlineStack>
          <div aria-live="polite" style={{ minHeight: 40 }}>
            {waitingFor ? (
              <Text as="p" tone="subdued">
                {waitingFor}
              </Text>
            ) : preview ? (
              <Text as="p" variant="headingLg">
                <span data-testid="preview-count">{formatCount(preview.count, locale)}</span>{" "}
                {preview.count === 1 ? "customer matches" : "customers match"}
              </Text>
            ) : error ? null : (
              <SkeletonDisplayText size="small" />
            )}
          </div>
          {error && !waitingFor && <ErrorBanner title="The preview failed" error={error} onRetry={retry} />}
        </BlockStack>
      </Box>
      {!waitingFor &&
        (preview ? (
          preview.sample.length > 0 && <CustomersTable customers={preview.sample} currency={preview.currency || currency} compact loading={loading} />
        ) : (
          !error && (
            <Box padding="400" paddingBlockStart="0">
              <SkeletonBodyText lines={5} />
            </Box>
          )
        ))}
    </Card>
  );
}
