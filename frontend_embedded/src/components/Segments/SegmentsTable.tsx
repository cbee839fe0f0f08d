/** Saved segments with member counts, their trend and tag write-back status; a row opens the builder. */
import { Badge, BlockStack, IndexTable, Link, Text } from "@shopify/polaris";
import type { Segment } from "../../crmTypes";
import { formatCount, formatDateTime } from "../../lib/format";
import { navigate } from "../../router";
import { useShopEnv } from "../../shopContext";
import { SegmentSparkline } from "./SegmentSparkline";

function tagStatus(segment: Segment): { label: string; tone?: "success" | "critical" | "info" | "attention" } {
  if (!segment.tag_writeback) return { label: "Off" };
  const run = segment.last_tag_run;
  if (!run) return { label: "On, not run yet", tone: "attention" };
  if (run.status === "failed") return { label: "Last run failed", tone: "critical" };
  if (run.status === "running" || run.status === "queued") return { label: "Writing tags", tone: "info" };
  return { label: `Tagged “${segment.tag ?? run.tag}”`, tone: "success" };
}

export function SegmentsTable({ segments }: { segments: Segment[] }) {
  const { locale, timeZone } = useShopEnv();
  return (
    <IndexTable
      resourceName={{ singular: "segment", plural: "segments" }}
      itemCount={segments.length}
      selectable={false}
      headings={[{ title: "Segment" }, { title: "Members", alignment: "end" }, { title: "Trend" }, { title: "Tags in Shopify" }, { title: "Refreshed" }]}
    >
      {segments.map((segment, index) => {
        const status = tagStatus(segment);
        return (
          <IndexTable.Row id={String(segment.id)} key={segment.id} position={index} onClick={() => navigate(`/segments/${segment.id}`)}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Link url={`/segments/${segment.id}`} dataPrimaryLink monochrome removeUnderline>
                  <Text as="span" fontWeight="semibold">
                    {segment.name}
                  </Text>
                </Link>
                <div style={{ maxWidth: 420, whiteSpace: "normal" }}>
                  <Text as="span" variant="bodySm" tone="subdued" breakWord>
                    {segment.description || segment.query}
                  </Text>
                </div>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                <span data-testid="segment-count">{segment.member_count === null ? "—" : formatCount(segment.member_count, locale)}</span>
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <SegmentSparkline history={segment.count_history} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={status.tone}>{status.label}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>{formatDateTime(segment.refreshed_at, timeZone, locale)}</IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}
