import { describe, expect, it } from 'vitest';
import type { SaturationPoint } from '../api';
import { hasUsage } from './SignalsChart';

const point = (usage: Partial<SaturationPoint>): SaturationPoint => ({
  time: '2026-12-07T05:00:00Z', cpuCores: null, memoryBytes: null, proxyCpuCores: null, proxyMemoryBytes: null, ...usage,
});

describe('saturation chart', () => {
  it('is drawn when any point has a CPU or memory value, even only the sidecar\'s', () => {
    expect(hasUsage([point({}), point({ cpuCores: 0.012 })])).toBe(true);
    expect(hasUsage([point({ proxyMemoryBytes: 41_000_000 })])).toBe(true);
    expect(hasUsage([point({ memoryBytes: 0 })])).toBe(true);
  });

  it('gives way to an explanation when no point has any (a VM workload: no container metrics)', () => {
    expect(hasUsage([point({}), point({})])).toBe(false);
    expect(hasUsage([])).toBe(false);
  });
});
