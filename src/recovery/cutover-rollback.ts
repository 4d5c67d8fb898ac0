import { RewindError, retryAfterMsOf } from './errors';
import type { Run, Step } from './run';
import type { ProcessorRegistry } from './step-processor';

/**
 * Undoing a run: which steps, in which order, and how a compensation says "not yet". A cutover
 * rollback (of a succeeded run) is recorded in the run's meta, so every compensation round and
 * every processor sees the same decision.
 */
export interface CutoverRollback {
  requestedBy: string;
  /** ISO time the rollback began; its time budget counts from here. */
  at: string;
  /** Step indexes to compensate, in order. */
  steps: number[];
  /** ISO time the next compensation round is due; an earlier duplicate round does nothing. */
  wakeAt?: string;
}

/**
 * An abort's compensation, recorded in the run's meta so every round (and the reconciler's) sees
 * the same budget: compensations that say "in progress" are waited for until a deadline counted
 * from `at`; failures are counted apart and get a few quick retries.
 */
export interface AbortCompensation {
  /** ISO time the abort began undoing. */
  at: string;
  /** ISO time the next round is due; an earlier duplicate round does nothing. */
  wakeAt?: string;
  /** Failed (not "in progress") compensation attempts so far. */
  failures?: number;
}

export function abortCompensationOf(run: Pick<Run, 'meta'>): AbortCompensation | undefined {
  const a = run.meta.abortCompensation as AbortCompensation | undefined;
  return a && typeof a.at === 'string' ? a : undefined;
}

export function cutoverRollbackOf(run: Pick<Run, 'meta'>): CutoverRollback | undefined {
  const r = run.meta.cutoverRollback as CutoverRollback | undefined;
  return r && Array.isArray(r.steps) ? r : undefined;
}

/**
 * The database a run's cutover replaced is being deleted (or was), on a person's decision after
 * its retention: from then on the cutover cannot be rolled back — there is nothing to go back to.
 */
export interface ReplacedDeletion {
  requestedBy: string;
  at: string;
  /** The replaced resource's id. */
  resource: string;
  state: 'deleting' | 'deleted';
  finalSnapshot?: string;
}

export function replacedDeletionOf(run: Pick<Run, 'meta'>): ReplacedDeletion | undefined {
  const d = run.meta.replacedDeletion as ReplacedDeletion | undefined;
  return d && typeof d.resource === 'string' ? d : undefined;
}

/** Why a run whose replaced database is gone cannot be rolled back, and what to do instead. */
export function replacedDeletedMessage(run: Pick<Run, 'id' | 'database'>, d: ReplacedDeletion): string {
  const snapshot = d.finalSnapshot ? ` Its final snapshot ${d.finalSnapshot} holds it: \`/dr restore ${run.database} ${d.finalSnapshot}\` restores it into a new instance.` : '';
  const when = d.state === 'deleting' ? 'is being deleted' : 'was deleted';
  const who = /^[UW][A-Z0-9]{6,}$/.test(d.requestedBy) ? `<@${d.requestedBy}>` : d.requestedBy;
  return `The database the cutover of run ${run.id} replaced (${d.resource}) ${when} on ${who}'s decision after its retention, so this cutover can no longer be rolled back; nothing was changed.${snapshot}`;
}

type Role = 'undo' | 'redo' | undefined;

function roleOf(processors: ProcessorRegistry, run: Run, step: Step): Role {
  const processor = processors.get(step.kind);
  if (!processor?.rollbackRole) return undefined;
  try {
    return processor.rollbackRole({ run, step });
  } catch {
    return 'undo';
  }
}

/**
 * Steps to compensate in order: 'undo' ones newest first, then 'redo' ones oldest first.
 * `cutoverOnly` keeps just the steps that take part in a cutover rollback (those with a role).
 */
export function compensationOrder(run: Run, processors: ProcessorRegistry, cutoverOnly: boolean): Array<{ step: Step; role: 'undo' | 'redo' }> {
  const candidates = run.steps
    .filter((s) => processors.get(s.kind)?.compensate && s.startedAt)
    .map((step) => ({ step, role: roleOf(processors, run, step) }))
    .filter((c) => !cutoverOnly || c.role !== undefined)
    .map((c) => ({ step: c.step, role: c.role === 'redo' ? ('redo' as const) : ('undo' as const) }));
  return [...candidates.filter((c) => c.role === 'undo').reverse(), ...candidates.filter((c) => c.role === 'redo')];
}

export const COMPENSATION_PENDING = 'COMPENSATION_PENDING';

/** Thrown by a compensation that has started and must be looked at again later (a restart rolling out). */
export function compensationPending(detail: string, retryAfterMs: number): RewindError {
  return new RewindError({ code: COMPENSATION_PENDING, userMessage: detail, retryable: true, detail: { retryAfterMs } });
}

export function pendingDelayOf(err: unknown): number | undefined {
  if (!(err instanceof RewindError) || err.code !== COMPENSATION_PENDING) return undefined;
  return retryAfterMsOf(err) ?? 5_000;
}
