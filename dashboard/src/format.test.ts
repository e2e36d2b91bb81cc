import { describe, expect, it } from 'vitest';
import { bytes, cores, percent, perSecond } from './format';

describe('cores', () => {
  it('writes millicores below a core and cores above, as kubectl top does', () => {
    expect(cores(0.0124)).toBe('12m');
    expect(cores(1.5)).toBe('1.50');
    expect(cores(null)).toBe('–');
    expect(cores(Number.NaN)).toBe('–');
  });
});

describe('bytes', () => {
  it('uses binary units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(45.2 * 1024 * 1024)).toBe('45.2 MiB');
    expect(bytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(bytes(undefined)).toBe('–');
  });
});

describe('percent and perSecond', () => {
  it('formats known values and says so when unknown', () => {
    expect(percent(0.025)).toBe('2.5%');
    expect(percent(null)).toBe('—');
    expect(perSecond(12.46)).toBe('12.5');
    expect(perSecond(undefined)).toBe('—');
  });
});
