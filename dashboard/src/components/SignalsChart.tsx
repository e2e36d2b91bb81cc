import { useMemo } from 'react';
import { EChart } from './EChart';
import { api, useApi, type SaturationPoint, type SignalPoint } from '../api';
import { Empty, ErrorState, Loading } from './States';
import { grafanaPath, openTool } from '../tools';

/** One series of a time chart: its points as [epoch ms, value] and the y axis it uses (index into the chart's axes). */
export interface Line {
  name: string;
  data: [number, number | null][];
  yAxisIndex?: number;
}

/**
 * A line chart over time with one y axis per unit (the first on the left, the others on the right),
 * drawn as SVG: the shared frame of the golden-signal charts.
 */
export function TimeChart({ title, axes, lines, testId }: { title: string; axes: string[]; lines: Line[]; testId: string }) {
  const option = useMemo(() => ({
      animation: false,
      title: { text: title, textStyle: { fontSize: 12, fontWeight: 'normal' } },
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48 * Math.max(1, axes.length - 1), top: 36, bottom: 52 },
      xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } },
      yAxis: axes.map((name, i) => ({
        type: 'value', name, min: 0, ...(i === 0 ? {} : { position: 'right', offset: (i - 1) * 48, splitLine: { show: false } }),
      })),
      series: lines.map((l) => ({ name: l.name, type: 'line', yAxisIndex: l.yAxisIndex ?? 0, data: l.data })),
  }), [title, axes, lines]);
  const points = lines.reduce((n, l) => Math.max(n, l.data.length), 0);
  return <EChart option={option} className="signals-chart" testId={testId} points={points} />;
}

export function at<P extends { time: string }>(points: P[], value: (p: P) => number | null): [number, number | null][] {
  return points.map((p) => [new Date(p.time).getTime(), value(p)]);
}

function Chart({ points, title }: { points: SignalPoint[]; title: string }) {
  const lines = useMemo<Line[]>(() => [
    { name: 'rps', data: at(points, (p) => p.requestsPerSecond) },
    { name: 'errors %', yAxisIndex: 1, data: at(points, (p) => p.errorRatio * 100) },
    { name: 'P50', yAxisIndex: 2, data: at(points, (p) => p.p50Ms) },
    { name: 'P95', yAxisIndex: 2, data: at(points, (p) => p.p95Ms) },
    { name: 'P99', yAxisIndex: 2, data: at(points, (p) => p.p99Ms) },
  ], [points]);
  return <TimeChart title={title} axes={RATE_AXES} lines={lines} testId="signals-chart" />;
}

// Each unit on its own axis: errors in % are not drawn against requests/s or milliseconds.
const RATE_AXES = ['rps', '%', 'ms'];
const USAGE_AXES = ['millicores', 'MiB'];

/** CPU (millicores) and working-set memory (MiB) of the scope's containers, with the sidecars' share. */
function SaturationChart({ points }: { points: SaturationPoint[] }) {
  const lines = useMemo<Line[]>(() => {
    const milli = (v: number | null) => (v == null ? null : v * 1000);
    const mib = (v: number | null) => (v == null ? null : v / 1024 / 1024);
    return [
      { name: 'CPU', data: at(points, (p) => milli(p.cpuCores)) },
      { name: 'CPU (sidecar)', data: at(points, (p) => milli(p.proxyCpuCores)) },
      { name: 'memory', yAxisIndex: 1, data: at(points, (p) => mib(p.memoryBytes)) },
      { name: 'memory (sidecar)', yAxisIndex: 1, data: at(points, (p) => mib(p.proxyMemoryBytes)) },
    ];
  }, [points]);
  return <TimeChart title="Saturation: CPU and memory (30 min)" axes={USAGE_AXES} lines={lines} testId="saturation-chart" />;
}

/** Whether any point has a CPU or memory value: a VM workload's have none (its host has no kubelet, no container metrics). */
export function hasUsage(points: SaturationPoint[]): boolean {
  return points.some((p) => p.cpuCores != null || p.memoryBytes != null || p.proxyCpuCores != null || p.proxyMemoryBytes != null);
}

/** Inbound (and outbound, where the scope has one) golden signals of the last 30 minutes. */
/** The shipped Grafana dashboard with these charts' scope, over the same 30 minutes; none for pods and namespaces. */
function grafana(kind: string, namespace?: string, name?: string): string | null {
  if (kind === 'MESH') return grafanaPath('mesh', {});
  if (kind === 'SERVICE' && namespace && name) return grafanaPath('service', { namespace, service: name });
  if (kind === 'WORKLOAD' && namespace && name) return grafanaPath('workload', { namespace, workload: name });
  return null;
}

export function SignalsCharts({ kind, namespace, name }: { kind: 'SERVICE' | 'WORKLOAD' | 'POD' | 'NAMESPACE' | 'MESH'; namespace?: string; name?: string }) {
  // As before the API layer: the previous charts stay while another scope's are read.
  const [state] = useApi(() => api.goldenSignals(kind, namespace, name), [kind, namespace, name], { keepWhileLoading: true });
  if (state.status === 'loading') return <Loading what="golden signals" />;
  if (state.status === 'error') return <ErrorState message={state.message} />;
  const { inbound, outbound, saturation, errors } = state.data;
  return (
    <div className="signals" data-testid="golden-signals">
      {errors.length > 0 && <div className="banner" role="alert">Golden signals are partial: {errors.join('; ')}</div>}
      {grafana(kind, namespace, name) && (
        <button type="button" className="link" onClick={() => openTool(grafana(kind, namespace, name)!)} data-testid="open-grafana">
          Open in Grafana ↗
        </button>
      )}
      <Chart points={inbound} title="Inbound: requests, errors, latency (30 min)" />
      {kind !== 'SERVICE' && kind !== 'MESH' && <Chart points={outbound} title="Outbound: requests, errors, latency (30 min)" />}
      {saturation.length > 0 && hasUsage(saturation) && <SaturationChart points={saturation} />}
      {saturation.length > 0 && !hasUsage(saturation) && (
        <Empty>
          <span data-testid="saturation-empty">No CPU or memory usage in the last 30 minutes (it comes from the kubelet&apos;s
            container metrics; a VM has none).</span>
        </Empty>
      )}
    </div>
  );
}
