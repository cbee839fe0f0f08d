/** Ready-made segments to start from (Champions, at risk, …); choosing one opens the builder with it. */
import { BlockStack, Box, Button, Card, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import type { SegmentTemplate } from "../../crmTypes";
import { navigate } from "../../router";

export function TemplatesCard({ templates }: { templates: SegmentTemplate[] | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Start from a template
        </Text>
        {!templates ? (
          <Box minHeight="120px">
            <SkeletonBodyText lines={4} />
          </Box>
        ) : (
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="300">
            {templates.map((template) => (
              <Box key={template.key} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                <BlockStack gap="200" inlineAlign="start">
                  <Text as="h3" variant="headingSm">
                    {template.name}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {template.description}
                  </Text>
                  <Button
                    size="slim"
                    onClick={() => navigate(`/segments/new#template=${encodeURIComponent(template.key)}`)}
                    accessibilityLabel={`Use template: ${template.name}`}
                  >
                    Use template
                  </Button>
                </BlockStack>
              </Box>
            ))}
          </InlineGrid>
        )}
      </BlockStack>
    </Card>
  );
}
