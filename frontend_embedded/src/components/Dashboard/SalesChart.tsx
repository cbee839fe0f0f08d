/**
 * Net sales or orders by day, current period against the previous one (polaris-viz).
 * Loaded lazily: polaris-viz is the heaviest dependency and is not needed for first paint.
 */
import { LineChart, PolarisVizProvider, useOutOfTabOrder } from "../Charts/polarisViz";
import { formatCalendarDate, formatCount, formatMoney, formatMoneyCompact, toAmount } from "../../lib/format";
import type { DayPoint } from "../../types";

export interface SalesChartProps {
  metric: "net_sales" | "orders";
  current: DayPoint[];
  previous: DayPoint[];
  currency: string;
  locale: string;
  height: number;
}

function valueOf(point: DayPoint, metric: SalesChartProps["metric"]): number {
  return metric === "orders" ? point.orders : toAmount(point.net_sales);
}

export default function SalesChart({ metric, current, previous, currency, locale, height }: SalesChartProps) {
  const label = (date: string) => formatCalendarDate(date, locale, { month: "short", day: "numeric" });
  const format = (value: number | string | null) =>
    metric === "orders" ? formatCount(Number(value ?? 0), locale) : formatMoney(Number(value ?? 0), currency, locale);
  const data = [
    {
      name: "This period",
      data: current.map((point) => ({ key: label(point.date), value: valueOf(point, metric) })),
    },
    {
      name: "Previous period",
      isComparison: true,
      data: previous.slice(0, current.length).map((point, i) => ({
        key: current[i] ? label(current[i].date) : label(point.date),
        value: valueOf(point, metric),
      })),
    },
  ];
  const chartRef = useOutOfTabOrder<HTMLDivElement>();
  const title = metric === "orders" ? "Orders by day" : "Net sales by day";
  return (
    <PolarisVizProvider>
      {/* polaris-viz's SVG is not accessible (axe: svg-img-alt, aria-required-children), so the
          picture is hidden from assistive technology and the same numbers are given as a table. */}
      <table className="xsight-visually-hidden">
        <caption>{title}, this period and the previous period</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">This period</th>
            <th scope="col">Previous period</th>
          </tr>
        </thead>
        <tbody>
          {current.map((point, i) => (
            <tr key={point.date}>
              <th scope="row">{formatCalendarDate(point.date, locale)}</th>
              <td>{format(valueOf(point, metric))}</td>
              <td>{previous[i] ? format(valueOf(previous[i], metric)) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div ref={chartRef} style={{ height }} aria-hidden="true" data-testid={`chart-${metric}`}>
        <LineChart
          data={data}
          theme="Light"
          isAnimated={false}
          xAxisOptions={{ labelFormatter: (value) => String(value ?? "") }}
          yAxisOptions={{
            integersOnly: metric === "orders",
            labelFormatter: (value) =>
              metric === "orders"
                ? formatCount(Number(value ?? 0), locale)
                : formatMoneyCompact(Number(value ?? 0), currency, locale),
          }}
          tooltipOptions={{ valueFormatter: format }}
        />
      </div>
    </PolarisVizProvider>
  );
}
