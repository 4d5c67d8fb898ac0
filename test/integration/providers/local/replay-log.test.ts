import { checkReplayLog, recoveryTargetSettings, type ReplayExpectation } from '../../../../src/providers/local/replay-log';
import { formatRecoveryTargetTime, parsePgTimestamp } from '../../../../src/providers/local/pg-time';
import { describeWaldumpError, parseXactLine } from '../../../../src/providers/local/wal-archive';
import { formatLsn, parseLsn, segmentNameForLsn } from '../../../../src/providers/local/pg-lsn';

// Pure parsing of what PostgreSQL 15 prints; the logs are trimmed copies of real ones.
const HEAD = `2026-11-25 07:44:16.463 UTC [9296] LOG:  starting point-in-time recovery to 2026-11-25 07:44:12.8+00
2026-11-25 07:44:16.565 UTC [9296] LOG:  consistent recovery state reached at 0/3000100
`;
const STOPPED = `${HEAD}2026-11-25 07:44:16.566 UTC [9296] LOG:  recovery stopping before commit of transaction 727, time 2026-11-25 07:44:12.915047+00
2026-11-25 07:44:16.566 UTC [9296] LOG:  redo done at 0/5000108 system usage: CPU: user: 0.00 s, system: 0.01 s, elapsed: 0.06 s
2026-11-25 07:44:16.566 UTC [9296] LOG:  last completed transaction was at log time 2026-11-25 07:44:12.710461+00
2026-11-25 07:44:16.609 UTC [9296] LOG:  selected new timeline ID: 2
`;
// The trap: a segment is missing, recovery treats it as the end of WAL and promotes anyway.
const SHORT = `${HEAD}2026-11-25 07:44:16.566 UTC [9296] LOG:  redo done at 0/4000060 system usage: CPU: user: 0.00 s, system: 0.01 s, elapsed: 0.06 s
2026-11-25 07:44:16.566 UTC [9296] LOG:  last completed transaction was at log time 2026-11-25 07:44:10.000001+00
2026-11-25 07:44:16.609 UTC [9296] LOG:  selected new timeline ID: 2
`;

const timeExpectation: ReplayExpectation = {
  kind: 'time',
  target: parsePgTimestamp('2026-11-25 07:44:12.800000+00').toString(),
  stopBefore: { xid: 727, kind: 'commit', at: parsePgTimestamp('2026-11-25 07:44:12.915047+00').toString(), lsn: '0/5000060' },
};

describe('replay log check', () => {
  it('accepts a stop before exactly the expected commit', () => {
    const verdict = checkReplayLog(STOPPED, timeExpectation);
    expect(verdict).toEqual({ ok: true, summary: expect.stringContaining('2026-11-25T07:44:12.710461Z') });
  });

  it('rejects a promotion at a gap, short of the target (the silent trap)', () => {
    const verdict = checkReplayLog(SHORT, timeExpectation);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.problem).toMatch(/without reaching 2026-11-25T07:44:12.800000Z.*07:44:10.000001Z/);
  });

  it('rejects a stop before another transaction than planned', () => {
    const verdict = checkReplayLog(STOPPED.replace('transaction 727', 'transaction 726'), timeExpectation);
    expect(verdict.ok).toBe(false);
  });

  it('reports recovery that ended before the target', () => {
    const log = `${HEAD}2026-11-25 07:44:16.600 UTC [9296] FATAL:  recovery ended before configured recovery target was reached\n`;
    expect(checkReplayLog(log, timeExpectation)).toEqual({ ok: false, problem: expect.stringMatching(/ran out of WAL/) });
  });

  it('checks LSN and consistency stops', () => {
    const after = `${HEAD}LOG:  recovery stopping after WAL location (LSN) "0/5000148"\n`;
    expect(checkReplayLog(after, { kind: 'after-lsn', lsn: '0/5000148' }).ok).toBe(true);
    expect(checkReplayLog(after, { kind: 'after-lsn', lsn: '0/5000150' }).ok).toBe(false);
    expect(checkReplayLog(`${HEAD}LOG:  recovery stopping after reaching consistency\n`, { kind: 'consistency' }).ok).toBe(true);
    expect(checkReplayLog(SHORT, { kind: 'consistency' }).ok).toBe(false);
  });

  it('only reads the latest recovery attempt', () => {
    expect(checkReplayLog(`${STOPPED}${SHORT}`, timeExpectation).ok).toBe(false);
  });
});

describe('recovery settings and WAL text', () => {
  it('formats recovery_target_time without a trailing Z', () => {
    const us = parsePgTimestamp('2024-05-01 10:02:00.5+00');
    expect(formatRecoveryTargetTime(us)).toBe('2024-05-01 10:02:00.500000+00:00');
    expect(recoveryTargetSettings(timeExpectation)).toMatchObject({
      recovery_target_time: '2026-11-25 07:44:12.800000+00:00',
      recovery_target_timeline: 'latest',
      recovery_target_action: 'promote',
    });
  });

  it('parses timestamps with offsets to microseconds', () => {
    expect(parsePgTimestamp('2024-05-01 12:02:00.000001+02')).toBe(parsePgTimestamp('2024-05-01 10:02:00.000001 UTC'));
    expect(parsePgTimestamp('2024-05-01 10:02:00+05:30') % 1_000_000n).toBe(0n);
  });

  it('parses pg_waldump transaction lines', () => {
    const line = 'rmgr: Transaction len (rec/tot):     34/    34, tx:        725, lsn: 0/04002168, prev 0/04002128, desc: ABORT 2026-11-25 07:43:48.582384 UTC';
    expect(parseXactLine(line)).toEqual({ xid: 725, lsn: parseLsn('0/4002168'), kind: 'abort', at: parsePgTimestamp('2026-11-25 07:43:48.582384+00') });
    const commit = 'rmgr: Transaction len (rec/tot):    130/   130, tx:        731, lsn: 0/05000060, prev 0/05000028, desc: COMMIT 2026-11-25 07:44:12.915047 UTC; inval msgs: catcache 80';
    expect(parseXactLine(commit)?.kind).toBe('commit');
    expect(parseXactLine('rmgr: XLOG len (rec/tot): 24/24, tx: 0, lsn: 0/03000100, prev 0/030000D8, desc: SWITCH')).toBeUndefined();
  });

  it('names the segment behind a pg_waldump error', () => {
    const seg = 16 << 20;
    expect(describeWaldumpError('pg_waldump: error: could not find file "000000010000000000000004": No such file or directory', 1, seg)).toEqual({
      segment: '000000010000000000000004',
      reason: 'missing from the archive',
    });
    const corrupt = describeWaldumpError('pg_waldump: error: error in WAL record at 0/4000028: invalid record length at 0/4000060: wanted 24, got 0', 1, seg);
    expect(corrupt.segment).toBe(segmentNameForLsn(1, parseLsn('0/4000060'), seg));
    expect(formatLsn(parseLsn('1/A0000028'))).toBe('1/A0000028');
    expect(segmentNameForLsn(1, parseLsn('1/A0000028'), seg)).toBe('0000000100000001000000A0');
  });
});
