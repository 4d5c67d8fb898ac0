import type { SettingValue } from './pg-settings';
import { formatIsoMicros, formatRecoveryTargetTime, parsePgTimestamp } from './pg-time';

/**
 * Where recovery must stop, decided before the restore starts and stored with it (JSON: LSNs as
 * "X/Y", microsecond times as decimal strings). Checked against the server log after promotion.
 * - time: stop before the first commit/abort after `target` (it is in the archive: we saw it).
 * - after-lsn: stop right after the record at `lsn` (restoring to the last archived transaction).
 * - before-lsn: stop before the first record at or after `lsn` (a backup's end, replayed from an
 *   older backup because the named one is corrupt).
 * - consistency: stop as soon as the backup is consistent.
 */
export type ReplayExpectation =
  | { kind: 'time'; target: string; stopBefore: { xid: number; kind: 'commit' | 'abort'; at: string; lsn: string } }
  | { kind: 'after-lsn'; lsn: string; lastTransactionAt?: string }
  | { kind: 'before-lsn'; lsn: string }
  | { kind: 'consistency' };

const common = { recovery_target_timeline: 'latest', recovery_target_action: 'promote' };

/** The settings of a `time` expectation, which depend on the target alone. */
export function timeTargetSettings(targetMicros: bigint): Record<string, SettingValue> {
  return { recovery_target_time: formatRecoveryTargetTime(targetMicros), recovery_target_inclusive: true, ...common };
}

/** The recovery_target_* settings that make PostgreSQL stop where the expectation says. */
export function recoveryTargetSettings(exp: ReplayExpectation): Record<string, SettingValue> {
  switch (exp.kind) {
    case 'time':
      return timeTargetSettings(BigInt(exp.target));
    case 'after-lsn':
      return { recovery_target_lsn: exp.lsn, recovery_target_inclusive: true, ...common };
    case 'before-lsn':
      return { recovery_target_lsn: exp.lsn, recovery_target_inclusive: false, ...common };
    case 'consistency':
      return { recovery_target: 'immediate', ...common };
  }
}

export type ReplayVerdict = { ok: true; summary: string } | { ok: false; problem: string };

const RECOVERY_START = /starting (?:point-in-time|archive) recovery/g;

/**
 * Reads the restored server's log (lc_messages=C, log_timezone=UTC) and decides whether replay
 * stopped exactly where expected. A promotion without the matching "recovery stopping …" line
 * means recovery ran out of WAL (missing or corrupt segment) and promoted early: the trap.
 */
export function checkReplayLog(log: string, exp: ReplayExpectation): ReplayVerdict {
  let from = 0;
  for (const m of log.matchAll(RECOVERY_START)) from = m.index ?? from;
  const section = log.slice(from);
  const lastLine = /last completed transaction was at log time (.+)$/m.exec(section)?.[1]?.trim();
  const reached = lastLine ? `the last transaction replayed committed at ${iso(lastLine)}` : 'no transaction after the backup was replayed';
  if (/recovery ended before configured recovery target was reached/.test(section)) {
    return { ok: false, problem: `recovery ran out of WAL before the target (${reached})` };
  }
  if (/requested recovery stop point is before consistent recovery point/.test(section)) {
    return { ok: false, problem: 'the target lies before the backup became consistent' };
  }
  switch (exp.kind) {
    case 'time': {
      const m = /recovery stopping before (commit|abort) of transaction (\d+), time (.+)$/m.exec(section);
      if (!m?.[3]) return { ok: false, problem: `replay ended without reaching ${formatIsoMicros(BigInt(exp.target))}; ${reached}` };
      const at = parsePgTimestamp(m[3]);
      if (Number(m[2]) !== exp.stopBefore.xid || at !== BigInt(exp.stopBefore.at)) {
        return {
          ok: false,
          problem: `replay stopped before transaction ${m[2]} (${formatIsoMicros(at)}), expected before transaction ${exp.stopBefore.xid} (${formatIsoMicros(BigInt(exp.stopBefore.at))})`,
        };
      }
      return {
        ok: true,
        summary: `recovered every transaction committed at or before ${formatIsoMicros(BigInt(exp.target))}; ${reached}; stopped before ${m[1]} of transaction ${m[2]} at ${formatIsoMicros(at)}`,
      };
    }
    case 'after-lsn':
    case 'before-lsn': {
      const side = exp.kind === 'after-lsn' ? 'after' : 'before';
      const m = new RegExp(`recovery stopping ${side} WAL location \\(LSN\\) "([0-9A-F]+/[0-9A-F]+)"`).exec(section);
      if (m?.[1] !== exp.lsn) return { ok: false, problem: `replay did not stop ${side} WAL location ${exp.lsn}; ${reached}` };
      // Stopping after an LSN, the server does not count that record as "last completed".
      const last = exp.kind === 'after-lsn' && exp.lastTransactionAt ? `the last transaction replayed committed at ${formatIsoMicros(BigInt(exp.lastTransactionAt))}` : reached;
      return { ok: true, summary: `replayed to WAL location ${exp.lsn}; ${last}` };
    }
    case 'consistency':
      if (!/recovery stopping after reaching consistency/.test(section)) return { ok: false, problem: `replay did not stop at the backup's consistent point; ${reached}` };
      return { ok: true, summary: 'restored the base backup as of its end (consistent point)' };
  }
}

function iso(pgTime: string): string {
  try {
    return formatIsoMicros(parsePgTimestamp(pgTime));
  } catch {
    return pgTime;
  }
}
