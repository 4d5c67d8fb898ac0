import { nextPollMs, stopLsn } from '../../../../src/providers/local/recovery-progress';

describe('pacing the polls of a restore', () => {
  const now = new Date('2024-05-01T10:00:10Z');
  const startedAt = new Date('2024-05-01T10:00:00Z');
  const base = { fromLsn: '0/1000000', now, minMs: 200, maxMs: 2000 };

  it('waits about the replay time still needed, at the rate seen so far', () => {
    // 16 MB replayed in 10 s, 1.6 MB to go: about 1 s.
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt }, toLsn: '0/2199999' })).toBe(1000);
  });

  it('never waits less than minMs nor more than maxMs', () => {
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt }, toLsn: '0/2000010' })).toBe(200);
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt }, toLsn: '1/0' })).toBe(2000);
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt }, toLsn: '0/1F00000' })).toBe(200);
  });

  it('falls back to maxMs when it cannot tell', () => {
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: null, at: null, startedAt }, toLsn: '0/3000000' })).toBe(2000);
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt: null }, toLsn: '0/3000000' })).toBe(2000);
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/1000000', at: null, startedAt }, toLsn: '0/3000000' })).toBe(2000);
    expect(nextPollMs({ ...base, state: { inRecovery: true, lsn: '0/2000000', at: null, startedAt } })).toBe(2000);
  });

  it('knows where each kind of expectation stops', () => {
    expect(stopLsn({ kind: 'time', target: '1', stopBefore: { xid: 1, kind: 'commit', at: '2', lsn: '0/3000028' } })).toBe('0/3000028');
    expect(stopLsn({ kind: 'after-lsn', lsn: '0/4000000' })).toBe('0/4000000');
    expect(stopLsn({ kind: 'before-lsn', lsn: '0/5000000' })).toBe('0/5000000');
    expect(stopLsn({ kind: 'consistency' })).toBeUndefined();
  });
});
