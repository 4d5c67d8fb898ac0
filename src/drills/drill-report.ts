import { recoveryPointLagMs } from '../recovery/objectives';
import type { Run, Step } from '../recovery/run';
import { isActive } from '../recovery/run';
import { targetText, type CheckFigure, type Drill, type DrillReport, type DrillResult, type TeardownStatus } from './drill';

/**
 * The drill's figures, computed only from the run's stored timestamps and outputs, so a report
 * can be recomputed and checked against the run at any time. Pure.
 */

/** Step kinds whose success means "the restored copy is validated": the RTO clock stops after the last. */
export const VALIDATION_KINDS: readonly string[] = ['validate', 'drill-smoke'];
export const SMOKE_KIND = 'drill-smoke';

export interface Objectives {
  rtoMs: number;
  rpoMs: number;
}

/** Where a drill run stands as far as the sandbox goes. */
export type SandboxState =
  | { state: 'running' }
  | { state: 'needs-teardown' }
  | { state: 'tearing-down' }
  | { state: 'settled'; teardown: Extract<TeardownStatus, 'done' | 'failed'>; problem: string | null };

/**
 * A drill run that failed must still discard its sandbox: `needs-teardown` until Rewind has asked
 * the engine to abort it (which compensates the restore), then `tearing-down` until the abort ends.
 * A run whose compensation failed is settled with the teardown failed: humans must clean up.
 */
export function sandboxState(run: Pick<Run, 'status' | 'error'>, teardownRequested: boolean): SandboxState {
  if (run.status === 'failed') {
    if (run.error?.code === 'COMPENSATION_FAILED') return { state: 'settled', teardown: 'failed', problem: run.error.message };
    return teardownRequested ? { state: 'tearing-down' } : { state: 'needs-teardown' };
  }
  if (isActive(run.status)) return run.status === 'rolling_back' ? { state: 'tearing-down' } : { state: 'running' };
  return { state: 'settled', teardown: 'done', problem: null };
}

export function validatedAt(run: Pick<Run, 'steps'>): Date | null {
  const validations = run.steps.filter((s) => VALIDATION_KINDS.includes(s.kind));
  const last = validations[validations.length - 1];
  if (last === undefined || validations.some((s) => s.status !== 'succeeded')) return null;
  return last.finishedAt;
}

export function latestRestorableOf(run: Pick<Run, 'steps'>): Date | null {
  const latest = run.steps.find((s) => s.kind === 'check-window' && s.status === 'succeeded')?.output?.latest;
  if (typeof latest !== 'string') return null;
  const d = new Date(latest);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function drillResult(run: Pick<Run, 'status' | 'steps'>): DrillResult {
  if (run.status === 'succeeded') return 'succeeded';
  return run.steps.some((s) => s.status === 'failed') ? 'failed' : 'aborted';
}

/** The sandbox this run created, by the restore step's saved ref. */
export function sandboxName(run: Pick<Run, 'steps'>): string | null {
  const restore = run.steps.find((s) => s.kind === 'restore');
  const ref = (restore?.state.ref ?? restore?.output?.ref) as { id?: unknown } | undefined;
  return typeof ref?.id === 'string' ? ref.id : null;
}

export function buildDrillReport(drill: Pick<Drill, 'id' | 'kind' | 'trigger'>, run: Run, objectives: Objectives, teardown: { status: TeardownStatus; problem: string | null }): DrillReport {
  const validated = validatedAt(run);
  const rtoMs = validated === null ? null : Math.max(0, validated.getTime() - run.createdAt.getTime());
  const latest = latestRestorableOf(run);
  const rpoMs = latest === null ? null : recoveryPointLagMs(latest, run.createdAt);
  const failed = run.steps.find((s) => s.status === 'failed');
  const result = drillResult(run);
  return {
    version: 1,
    drillId: drill.id,
    runId: run.id,
    database: run.database,
    kind: drill.kind,
    trigger: drill.trigger,
    result,
    target: targetText(run.target),
    startedAt: run.createdAt.toISOString(),
    validatedAt: validated?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    latestRestorable: latest?.toISOString() ?? null,
    rto: { ms: rtoMs, objectiveMs: objectives.rtoMs, met: rtoMs === null ? null : rtoMs <= objectives.rtoMs },
    rpo: { ms: rpoMs, objectiveMs: objectives.rpoMs, met: rpoMs === null ? null : rpoMs <= objectives.rpoMs },
    steps: run.steps.map((s) => ({ idx: s.idx, name: s.name, kind: s.kind, status: s.status, durationMs: durationOf(s) })),
    checks: checksOf(run.steps.find((s) => s.kind === 'validate')?.output?.checks),
    smoke: checksOf([run.steps.find((s) => s.kind === SMOKE_KIND)?.output?.check])[0] ?? null,
    teardown: { status: teardown.status, resource: sandboxName(run), problem: teardown.problem },
    problem: failed?.error?.message ?? (result === 'aborted' ? `Aborted${run.endedBy ? ` by ${run.endedBy}` : ''} before it finished.` : null),
    endedBy: run.endedBy,
  };
}

function durationOf(s: Step): number | null {
  if (!s.startedAt || !s.finishedAt) return null;
  return Math.max(0, s.finishedAt.getTime() - s.startedAt.getTime());
}

function checksOf(raw: unknown): CheckFigure[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object')
    .map((c) => ({ name: String(c.name ?? ''), passed: c.passed === true, value: String(c.value ?? ''), expected: String(c.expected ?? '') }));
}

/** The report of a drill that failed before any restore started (e.g. the newest backup is corrupt). */
export function unstartedReport(drill: Pick<Drill, 'id' | 'kind' | 'trigger' | 'database'>, target: string, problem: string, at: Date, objectives: Objectives): DrillReport {
  return {
    version: 1,
    drillId: drill.id,
    runId: null,
    database: drill.database,
    kind: drill.kind,
    trigger: drill.trigger,
    result: 'failed',
    target,
    startedAt: at.toISOString(),
    validatedAt: null,
    finishedAt: at.toISOString(),
    latestRestorable: null,
    rto: { ms: null, objectiveMs: objectives.rtoMs, met: null },
    rpo: { ms: null, objectiveMs: objectives.rpoMs, met: null },
    steps: [],
    checks: [],
    smoke: null,
    teardown: { status: 'done', resource: null, problem: null },
    problem,
    endedBy: null,
  };
}
