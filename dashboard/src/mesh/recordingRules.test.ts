import { describe, expect, it } from 'vitest';
import type { RecordingRules } from '../api/types';
import { rulesNote } from './recordingRules';

const rules = (over: Partial<RecordingRules>): RecordingRules => ({
  group: 'smm-mesh-telemetry', expected: 13, loaded: 13, missing: [], failing: [], lastEvaluation: '2026-12-06T10:00:00Z',
  evaluationSeconds: 0.042, error: null, ...over,
});
const now = new Date('2026-12-06T10:00:12Z');

describe('recording rules note', () => {
  it('says when all are evaluated, when and how fast', () => {
    expect(rulesNote(rules({}), now)).toEqual({ level: 'ok', details: [],
      text: 'All 13 recording rules are evaluated (group smm-mesh-telemetry, last run 12 s ago in 0.04 s): large meshes stay fast.' });
  });

  it('tells a Prometheus without them how to install them', () => {
    const n = rulesNote(rules({ loaded: 0, missing: ['edge:istio_requests:rate1m'], lastEvaluation: null, evaluationSeconds: null }), now);
    expect(n.level).toBe('warning');
    expect(n.text).toContain('computed from the raw metrics');
    expect(n.remedy).toContain('smm install --dump-resources');
  });

  it('lists the missing ones of an older set, and failing ones with their error', () => {
    const older = rulesNote(rules({ loaded: 9, missing: ['client_service_quantile:istio_request_duration_milliseconds:rate1m'] }), now);
    expect(older.text).toContain('9 of the 13');
    expect(older.details).toEqual(['client_service_quantile:istio_request_duration_milliseconds:rate1m']);
    expect(older.remedy).toContain('smm reconcile');
    const failing = rulesNote(rules({ failing: [{ rule: 'workload:x', error: 'same labelset' }], lastEvaluation: '2026-12-06T09:55:00Z' }), now);
    expect(failing.text).toBe('1 of the 13 recording rules fail in Prometheus (group smm-mesh-telemetry, last run 5 min ago in 0.04 s).');
    expect(failing.details).toEqual(['workload:x: same labelset']);
  });

  it('says when Prometheus cannot be asked', () => {
    expect(rulesNote(rules({ error: 'Prometheus at http://x/ is not reachable' }), now)).toMatchObject({ level: 'unknown' });
  });
});
