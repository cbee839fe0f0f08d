/**
 * The analytics charts (polaris-viz), in their own lazily loaded chunk. Each picture is hidden from
 * assistive technology and its numbers are given as a visually hidden table (axe: svg-img-alt).
 */
import type { ReactNode } from "react";
import { BarChart, LineChart, PolarisVizProvider, useOutOfTabOrder } from "../Charts/polarisViz";

export interface Series {
  name: string;
  points: { key: string; value: number | null }[];
}

interface ChartProps {
  title: string;
  series: Series[];
  height: number;
  format: (value: number) => string;
  axisFormat?: (value: number) => string;
  testId: string;
}

function HiddenTable({ title, series, format }: Pick<ChartProps, "title" | "series" | "format">) {
  const keys = series[0]?.points.map((p) => p.key) ?? [];
  return (
    <table className="xsight-visually-hidden">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{series.length > 1 ? "Series" : ""}</th>
          {keys.map((key) => (
            <th scope="col" key={key}>
              {key}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.name}>
            <th scope="row">{s.name}</th>
            {s.points.map((p) => (
              <td key={p.key}>{p.value === null ? "" : format(p.value)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Frame({ title, series, format, height, testId, children }: Omit<ChartProps, "axisFormat"> & { children: ReactNode }) {
  const ref = useOutOfTabOrder<HTMLDivElement>();
  return (
    <PolarisVizProvider>
      <HiddenTable title={title} series={series} format={format} />
      <div ref={ref} style={{ height }} aria-hidden="true" data-testid={testId}>
        {children}
      </div>
    </PolarisVizProvider>
  );
}

const toData = (series: Series[]) => series.map((s) => ({ name: s.name, data: s.points }));

/** A vertical bar chart of one series (a histogram). */
export function HistogramChart(props: ChartProps) {
  const { series, format, axisFormat = props.format } = props;
  return (
    <Frame {...props}>
      <BarChart
        data={toData(series)}
        theme="Light"
        isAnimated={false}
        showLegend={false}
        xAxisOptions={{ labelFormatter: (value) => String(value ?? "") }}
        yAxisOptions={{ integersOnly: true, labelFormatter: (value) => axisFormat(Number(value ?? 0)) }}
        tooltipOptions={{ valueFormatter: (value) => format(Number(value ?? 0)) }}
      />
    </Frame>
  );
}

/** A line chart of several series over the same keys. */
export function CurvesChart(props: ChartProps) {
  const { series, format, axisFormat = props.format } = props;
  return (
    <Frame {...props}>
      <LineChart
        data={toData(series)}
        theme="Light"
        isAnimated={false}
        xAxisOptions={{ labelFormatter: (value) => String(value ?? "") }}
        yAxisOptions={{ labelFormatter: (value) => axisFormat(Number(value ?? 0)) }}
        tooltipOptions={{ valueFormatter: (value) => (value === null ? "—" : format(Number(value))) }}
      />
    </Frame>
  );
}
