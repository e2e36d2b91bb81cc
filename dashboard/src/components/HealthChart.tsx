import { useMemo } from 'react';
import type { Health } from '../topology/model';
import { EChart } from './EChart';

/**
 * The chart's ECharts option: each unit on its own axis (score 0-1 on the left, errors in % and P95
 * in ms on the right), so 30 % errors is not a flat line next to a P95 of hundreds of ms.
 */
export function healthChartOption(timeline: Health[], title: string) {
  const times = timeline.map((h) => new Date(h.time).getTime());
  return {
    animation: false,
    title: { text: title, textStyle: { fontSize: 12, fontWeight: 'normal' } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, data: ['health', 'errors %', 'P95 ms'] },
    grid: { left: 40, right: 96, top: 40, bottom: 52 },
    xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } },
    yAxis: [
      { type: 'value', min: 0, max: 1, name: 'score' },
      // Up to 100 %, but scaled to the data so 2 % errors still shows.
      { type: 'value', name: '%', min: 0, max: (v: { max: number }) => Math.min(100, Math.max(1, Math.ceil(v.max * 1.2))), splitLine: { show: false } },
      { type: 'value', name: 'ms', min: 0, position: 'right', offset: 48, splitLine: { show: false } },
    ],
    series: [
      // No traffic is no judgement: a gap, not a perfect score.
      { name: 'health', type: 'line', step: 'end', connectNulls: false, data: timeline.map((h, i) => [times[i], h.status === 'NO_TRAFFIC' ? null : h.score]), areaStyle: { opacity: 0.15 } },
      { name: 'errors %', type: 'line', yAxisIndex: 1, data: timeline.map((h, i) => [times[i], h.status === 'NO_TRAFFIC' ? null : h.errorRatio * 100]) },
      { name: 'P95 ms', type: 'line', yAxisIndex: 2, data: timeline.map((h, i) => [times[i], h.p95Ms]) },
    ],
  };
}

/** Health score, error ratio and P95 of one node over time (ECharts). */
export function HealthChart({ timeline, title }: { timeline: Health[]; title: string }) {
  const option = useMemo(() => healthChartOption(timeline, title), [timeline, title]);
  return <EChart option={option} className="health-chart" testId="health-chart" points={timeline.length} />;
}

/** One row of small squares, one per step, coloured by status: the health timeline cell of the lists. */
export function HealthStrip({ timeline }: { timeline: Health[] }) {
  return (
    <span className="health-strip" data-testid="health-strip">
      {timeline.map((h) => (
        <span key={h.time} className={`tick tick-${h.status.toLowerCase()}`} title={`${h.time}: ${h.status}${h.reasons.length ? ` (${h.reasons.join(', ')})` : ''}`} />
      ))}
    </span>
  );
}
