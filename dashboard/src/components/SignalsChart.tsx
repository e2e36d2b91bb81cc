import { echarts } from './echarts';
import { useEffect, useRef, useState } from 'react';
import { graphqlPartial } from '../graphql';
import { ErrorState, Loading } from './States';

export interface SignalPoint {
  time: string;
  requestsPerSecond: number;
  errorRatio: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface SaturationPoint {
  time: string;
  cpuCores: number | null;
  memoryBytes: number | null;
  proxyCpuCores: number | null;
  proxyMemoryBytes: number | null;
}

interface GoldenSignals {
  inbound: SignalPoint[];
  outbound: SignalPoint[];
  saturation: SaturationPoint[];
  errors: string[];
}

const QUERY = `query Signals($kind: SignalScope!, $ns: String, $name: String) {
  goldenSignals(kind: $kind, namespace: $ns, name: $name) {
    errors inbound { time requestsPerSecond errorRatio p50Ms p95Ms p99Ms } outbound { time requestsPerSecond errorRatio p50Ms p95Ms p99Ms }
    saturation { time cpuCores memoryBytes proxyCpuCores proxyMemoryBytes }
  }
}`;

function Chart({ points, title }: { points: SignalPoint[]; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    const t = points.map((p) => new Date(p.time).getTime());
    chart.setOption({
      animation: false,
      title: { text: title, textStyle: { fontSize: 12, fontWeight: 'normal' } },
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 52 },
      xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } },
      yAxis: [
        { type: 'value', name: 'rps / errors %' },
        { type: 'value', name: 'ms', splitLine: { show: false } },
      ],
      series: [
        { name: 'rps', type: 'line', data: points.map((p, i) => [t[i], p.requestsPerSecond]) },
        { name: 'errors %', type: 'line', data: points.map((p, i) => [t[i], p.errorRatio * 100]) },
        { name: 'P50', type: 'line', yAxisIndex: 1, data: points.map((p, i) => [t[i], p.p50Ms]) },
        { name: 'P95', type: 'line', yAxisIndex: 1, data: points.map((p, i) => [t[i], p.p95Ms]) },
        { name: 'P99', type: 'line', yAxisIndex: 1, data: points.map((p, i) => [t[i], p.p99Ms]) },
      ],
    });
    return () => chart.dispose();
  }, [points, title]);
  return <div className="signals-chart" data-testid="signals-chart" ref={ref} />;
}

/** CPU (millicores) and working-set memory (MiB) of the scope's containers, with the sidecars' share. */
function SaturationChart({ points }: { points: SaturationPoint[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    const t = points.map((p) => new Date(p.time).getTime());
    const milli = (v: number | null) => (v == null ? null : v * 1000);
    const mib = (v: number | null) => (v == null ? null : v / 1024 / 1024);
    chart.setOption({
      animation: false,
      title: { text: 'Saturation: CPU and memory (30 min)', textStyle: { fontSize: 12, fontWeight: 'normal' } },
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 52 },
      xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } },
      yAxis: [
        { type: 'value', name: 'millicores' },
        { type: 'value', name: 'MiB', splitLine: { show: false } },
      ],
      series: [
        { name: 'CPU', type: 'line', data: points.map((p, i) => [t[i], milli(p.cpuCores)]) },
        { name: 'CPU (sidecar)', type: 'line', data: points.map((p, i) => [t[i], milli(p.proxyCpuCores)]) },
        { name: 'memory', type: 'line', yAxisIndex: 1, data: points.map((p, i) => [t[i], mib(p.memoryBytes)]) },
        { name: 'memory (sidecar)', type: 'line', yAxisIndex: 1, data: points.map((p, i) => [t[i], mib(p.proxyMemoryBytes)]) },
      ],
    });
    return () => chart.dispose();
  }, [points]);
  return <div className="signals-chart" data-testid="saturation-chart" ref={ref} />;
}

/** Inbound (and outbound, where the scope has one) golden signals of the last 30 minutes. */
export function SignalsCharts({ kind, namespace, name }: { kind: 'SERVICE' | 'WORKLOAD' | 'POD' | 'NAMESPACE' | 'MESH'; namespace?: string; name?: string }) {
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; data: GoldenSignals }>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    graphqlPartial<{ goldenSignals: GoldenSignals }>(QUERY, { kind, ns: namespace ?? null, name: name ?? null })
      .then(({ data }) => !cancelled && setState({ status: 'ok', data: data.goldenSignals }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    return () => {
      cancelled = true;
    };
  }, [kind, namespace, name]);
  if (state.status === 'loading') return <Loading what="golden signals" />;
  if (state.status === 'error') return <ErrorState message={state.message} />;
  const { inbound, outbound, saturation, errors } = state.data;
  return (
    <div className="signals" data-testid="golden-signals">
      {errors.length > 0 && <div className="banner" role="alert">Golden signals are partial: {errors.join('; ')}</div>}
      <Chart points={inbound} title="Inbound: requests, errors, latency (30 min)" />
      {kind !== 'SERVICE' && kind !== 'MESH' && <Chart points={outbound} title="Outbound: requests, errors, latency (30 min)" />}
      {saturation.length > 0 && <SaturationChart points={saturation} />}
    </div>
  );
}
