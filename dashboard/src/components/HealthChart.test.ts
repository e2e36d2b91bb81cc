import { describe, expect, it } from 'vitest';
import type { Health } from '../topology/model';
import { healthChartOption } from './HealthChart';

const point = (errorRatio: number, p95Ms: number): Health => ({
  time: '2026-12-05T10:00:00Z', score: 0.4, status: 'FAILURE', requestsPerSecond: 10, errorRatio, p95Ms, reasons: [],
});

describe('health chart', () => {
  it('draws errors in % and P95 in ms on axes of their own', () => {
    const option = healthChartOption([point(0.309, 850)], 'payments');
    const axisOf = (series: string) => option.yAxis[option.series.find((s) => s.name === series)!.yAxisIndex ?? 0];
    expect(axisOf('errors %').name).toBe('%');
    expect(axisOf('P95 ms').name).toBe('ms');
    expect(axisOf('health').name).toBe('score');
    expect(option.series.find((s) => s.name === 'errors %')!.data[0][1]).toBeCloseTo(30.9);
  });

  it('scales the % axis to the errors, up to 100', () => {
    const max = healthChartOption([point(0.02, 10)], 'x').yAxis[1].max as (v: { max: number }) => number;
    expect(max({ max: 2 })).toBe(3);
    expect(max({ max: 95 })).toBe(100);
    expect(max({ max: 0 })).toBe(1);
  });
});
