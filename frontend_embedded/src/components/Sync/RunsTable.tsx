/** History of sync runs, newest first. */
import { Badge, IndexTable, Text } from "@shopify/polaris";
import { formatCount, formatDateTime, formatDuration } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { SyncRun } from "../../types";
import { kindLabel, runPercent, STATUS_LABEL } from "./labels";

function durationSeconds(run: SyncRun): number | null {
  if (!run.started_at || !run.finished_at) return null;
  return (new Date(run.finished_at).getTime() - new Date(run.started_at).getTime()) / 1000;
}

export function RunsTable({ runs }: { runs: SyncRun[] }) {
  const { locale, timeZone } = useShopEnv();
  const rows = runs.map((run, index) => {
    const status = STATUS_LABEL[run.status] ?? { label: run.status, tone: undefined };
    const records =
      run.total !== null && run.total !== undefined
        ? `${formatCount(run.processed ?? 0, locale)} / ${formatCount(run.total, locale)}`
        : formatCount(run.processed ?? 0, locale);
    return (
      <IndexTable.Row id={String(run.id)} key={String(run.id)} position={index}>
        <IndexTable.Cell>
          <Text as="span" variant="bodyMd" fontWeight="semibold">
            {formatDateTime(run.started_at ?? run.created_at, timeZone, locale)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{kindLabel(String(run.kind))}</IndexTable.Cell>
        <IndexTable.Cell>
          <Badge tone={status.tone}>
            {run.status === "running" ? `${status.label} · ${Math.round(runPercent(run))}%` : status.label}
          </Badge>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {records}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{formatDuration(durationSeconds(run))}</IndexTable.Cell>
        <IndexTable.Cell>
          <div style={{ whiteSpace: "normal", minWidth: 200, maxWidth: 360 }}>
            <Text as="span" tone={run.error ? "critical" : "subdued"} breakWord>
              {run.error ?? (run.finished_at ? `Finished ${formatDateTime(run.finished_at, timeZone, locale)}` : "")}
            </Text>
          </div>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  });
  return (
    <IndexTable
      resourceName={{ singular: "sync run", plural: "sync runs" }}
      itemCount={runs.length}
      selectable={false}
      headings={[
        { title: "Started" },
        { title: "Kind" },
        { title: "Status" },
        { title: "Records" },
        { title: "Duration" },
        { title: "Details" },
      ]}
    >
      {rows}
    </IndexTable>
  );
}
