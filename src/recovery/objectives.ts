import type { RestoreTarget } from '../providers/ports';
import type { Run, Step } from './run';
import { isActive } from './run';

/**
 * RTO and RPO arithmetic for the live message and reports. Pure: "now" is always a parameter.
 * The RTO clock is end to end, from the run's creation to its end, human approval time included:
 * that is the time the business is without its database.
 */

export interface RtoProgress {
  elapsedMs: number;
  /** Zero once breached, never negative. */
  remainingMs: number;
  /** elapsed / RTO, not clamped (1.5 means 50 % over); 1 when the RTO is not a positive number. */
  fraction: number;
  breached: boolean;
}

export function rtoProgress(run: Pick<Run, 'createdAt' | 'finishedAt'>, now: Date, rtoMs: number): RtoProgress {
  const end = run.finishedAt ?? now;
  const elapsedMs = Math.max(0, end.getTime() - run.createdAt.getTime());
  if (!(rtoMs > 0) || !Number.isFinite(rtoMs)) return { elapsedMs, remainingMs: 0, fraction: 1, breached: false };
  return { elapsedMs, remainingMs: Math.max(0, rtoMs - elapsedMs), fraction: elapsedMs / rtoMs, breached: elapsedMs > rtoMs };
}

/**
 * Typical duration of each step kind, used only when no history exists. Rough on purpose: an RDS
 * restore takes tens of minutes, everything else is an API call or a few queries. Gates count
 * as zero because people are unpredictable: an ETA assumes gates are approved at once.
 */
export const TYPICAL_STEP_MS: Readonly<Record<string, number>> = {
  'check-window': 15_000,
  gate: 0,
  restore: 30_000,
  'wait-available': 20 * 60_000,
  validate: 60_000,
  cutover: 30_000,
  'verify-health': 60_000,
  teardown: 2 * 60_000,
};
const DEFAULT_STEP_MS = 60_000;

/**
 * Where a source's steps take a different order of time than the RDS-like defaults: a local
 * restore from a base backup and a WAL archive takes seconds, an Aurora cluster plus its writer
 * instance takes longer than one RDS instance.
 */
const TYPICAL_STEP_MS_BY_PROVIDER: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'local-postgres': { 'check-window': 1_000, restore: 5_000, 'wait-available': 30_000, validate: 5_000, cutover: 5_000, 'verify-health': 5_000, teardown: 10_000 },
  'aurora-cluster': { 'wait-available': 25 * 60_000 },
};

/** The typical step durations for a database of `provider` (rewind.yml's `provider`). */
export function typicalStepTimes(provider: string | undefined): Readonly<Record<string, number>> {
  const own = provider === undefined ? undefined : TYPICAL_STEP_MS_BY_PROVIDER[provider];
  return own ? { ...TYPICAL_STEP_MS, ...own } : TYPICAL_STEP_MS;
}

/** An ETA and what it was estimated from, so a message can say how much to trust it. */
export interface Eta {
  at: Date;
  basis: 'history' | 'steps';
}

/**
 * When the run is expected to finish, or undefined once it has ended.
 * 1. With history (durations in ms of past runs of this database on the same path): creation +
 *    the median, as long as that is still ahead of now.
 * 2. Otherwise, or when the run is already slower than its median: now + the typical durations
 *    of the steps not finished yet (the current step's time so far is deducted from its share);
 *    `stepTimes` are those durations (default the RDS-like TYPICAL_STEP_MS; see typicalStepTimes).
 */
export function etaFor(run: Pick<Run, 'status' | 'createdAt' | 'steps'>, now: Date, history?: readonly number[], stepTimes?: Readonly<Record<string, number>>): Date | undefined {
  return estimateEta(run, now, history, stepTimes)?.at;
}

/** `etaFor` with its basis. */
export function estimateEta(run: Pick<Run, 'status' | 'createdAt' | 'steps'>, now: Date, history?: readonly number[], stepTimes: Readonly<Record<string, number>> = TYPICAL_STEP_MS): Eta | undefined {
  if (!isActive(run.status)) return undefined;
  const median = medianOf((history ?? []).filter((ms) => Number.isFinite(ms) && ms > 0));
  if (median !== undefined) {
    const byHistory = run.createdAt.getTime() + median;
    if (byHistory > now.getTime()) return { at: new Date(byHistory), basis: 'history' };
  }
  return { at: new Date(now.getTime() + remainingStepsMs(run.steps, now, stepTimes)), basis: 'steps' };
}

function remainingStepsMs(steps: readonly Step[], now: Date, stepTimes: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const step of steps) {
    if (step.status === 'succeeded' || step.status === 'skipped') continue;
    const typical = stepTimes[step.kind] ?? DEFAULT_STEP_MS;
    const spent = step.startedAt ? Math.max(0, now.getTime() - step.startedAt.getTime()) : 0;
    total += Math.max(0, typical - spent);
  }
  return total;
}

export function medianOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/**
 * How much recorded history a restore to `target` discards: the writes between the target and
 * the newest restorable instant. Zero for "latest"; undefined for a backup (its time is not in
 * the target). Never negative.
 */
export function impliedRpoMs(target: RestoreTarget, latestRestorable: Date): number | undefined {
  if (target.kind === 'latest') return 0;
  if (target.kind === 'backup') return undefined;
  return Math.max(0, latestRestorable.getTime() - target.at.getTime());
}

/**
 * How far the newest restorable instant trailed the moment it was observed: the data a
 * failure at that moment would have lost, which is what an RPO objective bounds (drills report it).
 */
export function recoveryPointLagMs(latestRestorable: Date, observedAt: Date): number {
  return Math.max(0, observedAt.getTime() - latestRestorable.getTime());
}
