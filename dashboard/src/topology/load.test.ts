import { describe, expect, it } from 'vitest';
import { defaultForm, loadInput } from './load';

describe('generate load form', () => {
  it('sends the demo entry point by default', () => {
    expect(loadInput(defaultForm(['smm-demo']))).toEqual({
      ok: true,
      input: { namespace: 'smm-demo', url: 'http://frontpage.smm-demo:8080/', method: 'GET', headers: [], requestsPerSecond: 10, durationSeconds: 30 },
    });
  });

  it('reads headers as name: value lines', () => {
    const r = loadInput({ ...defaultForm([]), method: 'POST', headers: 'x-tenant: blue\nend-user: jason' });
    expect(r.ok && r.input.headers).toEqual([{ key: 'x-tenant', value: 'blue' }, { key: 'end-user', value: 'jason' }]);
  });

  it('says what to fix', () => {
    expect(loadInput({ ...defaultForm([]), url: 'https://frontpage/' })).toMatchObject({ ok: false, message: expect.stringContaining('URL') });
    expect(loadInput({ ...defaultForm([]), headers: 'nonsense' })).toMatchObject({ ok: false, message: expect.stringContaining('Headers') });
    expect(loadInput({ ...defaultForm([]), rate: '0' })).toMatchObject({ ok: false, message: expect.stringContaining('Rate') });
    expect(loadInput({ ...defaultForm([]), duration: '1.5' })).toMatchObject({ ok: false, message: expect.stringContaining('Duration') });
  });
});
