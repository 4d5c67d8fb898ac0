import type { Pool } from 'pg';
import { cutoverRollbackOf, replacedDeletedMessage, replacedDeletionOf, type AbortCompensation, type CutoverRollback, type ReplacedDeletion } from '../recovery/cutover-rollback';
import type { Reconcilable } from '../recovery/engine-ports';
import { RewindError } from '../recovery/errors';
import type { Run, Step, StepTicket } from '../recovery/run';
import { isActive } from '../recovery/run';
import { appendAudit, type Scrubber } from './audit-log';
import { ticketOf } from '../recovery/ticket';
import { advance } from './step-claims';
import { activeRunFor, loadRun, mergeRunMeta } from './run-store';
import { withTransaction, type Queryable } from './transaction';
import { transitionRun, transitionStep } from './transitions';

function notFound(runId: string): RewindError {
  return new RewindError({ code: 'RUN_NOT_FOUND', userMessage: `There is no run ${runId}. /dr status lists the recent runs.` });
}

/**
 * Takes the database's lock again for a run that had given it up (failed or succeeded) and is
 * about to act on the database once more; refused, naming the holder, if another run has it.
 */
async function retakeLock(db: Queryable, run: Pick<Run, 'id' | 'database'>, doing: string): Promise<void> {
  const { rowCount } = await db.query('INSERT INTO database_locks (database, run_id) VALUES ($1, $2) ON CONFLICT (database) DO NOTHING', [run.database, run.id]);
  if (rowCount === 1) return;
  const holder = await activeRunFor(db, run.database);
  if (holder?.id === run.id) return;
  throw new RewindError({
    code: 'RUN_ALREADY_ACTIVE',
    userMessage: `${run.database} has an active run, ${holder?.id ?? 'another run'}${holder ? ` (${holder.status.replace('_', ' ')})` : ''}; finish or abort it before ${doing} ${run.id}.`,
  });
}

export interface GateDecision {
  runId: string;
  gate: string;
  planHash: string;
  actor: string;
}

/**
 * Approves the gate the run is waiting at. The button's values are untrusted: the run must be
 * awaiting exactly this gate under exactly this plan, or the click is refused as stale.
 */
export async function approveGate(pool: Pool, scrub: Scrubber, d: GateDecision): Promise<{ run: Run; next?: { ticket: StepTicket; delayMs: number } }> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, d.runId, true);
    if (!run) throw notFound(d.runId);
    const step = run.steps[run.currentStep];
    const gate = step?.params.gate;
    if (run.status !== 'awaiting_approval' || !step || step.status !== 'waiting' || gate !== d.gate) {
      throw new RewindError({
        code: 'STALE_GATE',
        userMessage: `This approval is no longer current: run ${run.id} is ${run.status.replace('_', ' ')}${gate ? ` at "${step?.name}"` : ''}. Nothing was changed; see the run's live message for what it waits for now.`,
      });
    }
    if (d.planHash !== run.planHash) {
      throw new RewindError({ code: 'STALE_PLAN', userMessage: `The plan of run ${run.id} changed since this button was shown. Nothing was approved; use the buttons on the current message.` });
    }
    await db.query('INSERT INTO approvals (run_id, step_idx, gate, decided_by, decision, plan_hash) VALUES ($1, $2, $3, $4, $5, $6)', [run.id, step.idx, d.gate, d.actor, 'approved', d.planHash]);
    await appendAudit(db, { actor: d.actor, runId: run.id, stepIdx: step.idx, action: 'gate.approved', detail: { gate: d.gate } }, scrub);
    await transitionStep(db, scrub, step, 'succeeded', d.actor, { output: { approvedBy: d.actor } });
    const next = await advance(db, scrub, run, d.actor);
    return { run: (await loadRun(db, run.id)) as Run, next };
  });
}

export type AbortOutcome = { run: Run; compensate: boolean };

/**
 * Stops a run, or discards what a failed run left behind. Steps not yet finished are skipped; when any step may have left something behind
 * (`needsCompensation`), the run goes to rolling_back until compensation has run, else straight to aborted.
 */
export async function abortRun(pool: Pool, scrub: Scrubber, runId: string, actor: string, reason: string, needsCompensation: (s: Step) => boolean): Promise<AbortOutcome> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    if (!run) throw notFound(runId);
    if ((!isActive(run.status) && run.status !== 'failed') || run.status === 'rolling_back') {
      throw new RewindError({ code: 'RUN_NOT_ACTIVE', userMessage: `Run ${run.id} has already ${run.status === 'rolling_back' ? 'been aborted and is rolling back' : run.status === 'aborted' ? 'been aborted' : run.status}; there is nothing to abort.` });
    }
    // Undoing a failed run acts on the database again: no other run may be using it meanwhile.
    if (run.status === 'failed') await retakeLock(db, run, 'aborting');
    for (const s of run.steps) {
      if (['pending', 'running', 'waiting'].includes(s.status)) await transitionStep(db, scrub, s, 'skipped', actor, { releaseLease: false }, { reason: 'run aborted' });
    }
    const compensate = run.steps.some((s) => s.status !== 'pending' && s.startedAt !== null && !s.compensatedAt && needsCompensation(s));
    // Aborting a run whose cutover rollback failed retries that rollback, with a fresh time budget.
    const rollback = cutoverRollbackOf(run);
    if (rollback && compensate) await mergeRunMeta(db, run.id, { cutoverRollback: { requestedBy: actor, at: new Date().toISOString(), steps: rollback.steps } });
    // Every abort starts its compensation budget afresh (a second /dr abort retries a failed one).
    else if (compensate) await mergeRunMeta(db, run.id, { abortCompensation: { at: new Date().toISOString() } satisfies AbortCompensation });
    await transitionRun(db, scrub, run, compensate ? 'rolling_back' : 'aborted', actor, { reason }, { endedBy: actor });
    // A drill's undo only tears down its own sandbox: the database is free for an incident at once.
    if (run.path === 'drill') await db.query('DELETE FROM database_locks WHERE database = $1 AND run_id = $2', [run.database, run.id]);
    return { run: (await loadRun(db, run.id)) as Run, compensate };
  });
}

export async function markCompensated(pool: Pool, scrub: Scrubber, runId: string, idx: number, actor: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    await db.query('UPDATE steps SET compensated_at = now() WHERE run_id = $1 AND idx = $2 AND compensated_at IS NULL', [runId, idx]);
    await appendAudit(db, { actor, runId, stepIdx: idx, action: 'step.compensated' }, scrub);
  });
}

/**
 * Ends a rolling-back run: aborted when compensation completed, failed (with what is left) when
 * not. A completed cutover rollback also gets a `run.cutover_rolled_back` row naming who asked.
 */
export async function finishRollback(pool: Pool, scrub: Scrubber, runId: string, error?: { code: string; message: string; retryable: boolean }): Promise<Run> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    if (!run) throw notFound(runId);
    if (run.status !== 'rolling_back') return run;
    await transitionRun(db, scrub, run, error ? 'failed' : 'aborted', 'rewind', error ? { code: error.code } : {}, error ? { error } : {});
    const rollback = cutoverRollbackOf(run);
    if (rollback && !error) {
      await appendAudit(db, { actor: rollback.requestedBy, runId, action: 'run.cutover_rolled_back', detail: { steps: rollback.steps, startedAt: rollback.at } }, scrub);
    }
    return (await loadRun(db, runId)) as Run;
  });
}

/**
 * Starts rolling back the cutover of a succeeded run: takes the database's lock again (refused,
 * naming the holder, while another run is active) and records the steps to undo in the run's meta.
 */
export async function beginCutoverRollback(pool: Pool, scrub: Scrubber, runId: string, actor: string, steps: number[]): Promise<Run> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    if (!run) throw notFound(runId);
    if (run.status !== 'succeeded') {
      throw new RewindError({
        code: 'RUN_NOT_ROLLBACKABLE',
        userMessage: `Run ${run.id} is ${run.status.replace('_', ' ')}; only the cutover of a succeeded run can be rolled back. Nothing was changed.`,
      });
    }
    const deletion = replacedDeletionOf(run);
    if (deletion) throw new RewindError({ code: 'REPLACED_DATABASE_DELETED', userMessage: replacedDeletedMessage(run, deletion) });
    await retakeLock(db, run, 'rolling back the cutover of');
    const rollback: CutoverRollback = { requestedBy: actor, at: new Date().toISOString(), steps };
    await mergeRunMeta(db, run.id, { cutoverRollback: rollback });
    await transitionRun(db, scrub, run, 'rolling_back', actor, { reason: 'cutover rollback', steps }, { endedBy: actor });
    return (await loadRun(db, run.id)) as Run;
  });
}

/**
 * Continues a failed run from its failed step with a fresh attempt, taking the database's lock
 * again (refused, naming it, if another run holds the database now).
 */
export async function resumeRun(pool: Pool, scrub: Scrubber, runId: string, actor: string): Promise<{ run: Run; next: { ticket: StepTicket; delayMs: number } }> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    if (!run) throw notFound(runId);
    const step = run.steps[run.currentStep];
    if (run.status !== 'failed' || !step || step.status !== 'failed') {
      throw new RewindError({ code: 'RUN_NOT_RESUMABLE', userMessage: `Run ${run.id} is ${run.status.replace('_', ' ')}; only a run that failed at a step can be resumed.` });
    }
    await retakeLock(db, run, 'resuming');
    const attempt = step.attempt + 1;
    await transitionStep(db, scrub, step, 'waiting', actor, { attempt, wake: 0, nextAt: new Date() }, { resumed: true });
    // the step's deadline counts from the resume, or a long wait would fail again at once
    await db.query('UPDATE steps SET started_at = now() WHERE run_id = $1 AND idx = $2', [run.id, step.idx]);
    await transitionRun(db, scrub, run, 'running', actor, { resumedAt: step.name });
    return { run: (await loadRun(db, run.id)) as Run, next: { ticket: ticketOf({ ...step, attempt, wake: 0 }), delayMs: 0 } };
  });
}

/** Active runs and their current step, for the reconciler. */
export async function listReconcilable(pool: Pool): Promise<Reconcilable[]> {
  const { rows } = await pool.query(
    `SELECT r.id, r.status, r.current_step FROM runs r WHERE r.status IN ('planned','running','rolling_back','awaiting_approval')`,
  );
  const out: Reconcilable[] = [];
  for (const r of rows) {
    const run = await loadRun(pool, r.id);
    if (run) out.push({ runId: run.id, status: run.status, step: run.steps[run.currentStep] });
  }
  return out;
}

/**
 * A lease that ran out means its worker died mid-step: bump the wake so any late job or result
 * from that worker is stale, and hand back a ticket to run the step again (steps are idempotent).
 */
export async function takeOverExpiredLease(pool: Pool, scrub: Scrubber, runId: string, idx: number): Promise<StepTicket | undefined> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    const now: Date = (await db.query('SELECT clock_timestamp() AS t')).rows[0].t;
    const step = run?.steps[idx];
    if (!run || !step || run.currentStep !== idx || !step.leaseUntil || step.leaseUntil > now) return undefined;
    if (!['running', 'waiting'].includes(step.status)) return undefined;
    const wake = step.wake + 1;
    await db.query('UPDATE steps SET lease_owner = NULL, lease_until = NULL, wake = $3 WHERE run_id = $1 AND idx = $2', [runId, idx, wake]);
    await appendAudit(db, { actor: 'rewind', runId, stepIdx: idx, action: 'step.lease_expired', detail: { previousOwner: step.leaseOwner } }, scrub);
    return ticketOf({ ...step, wake });
  });
}

/**
 * Records that the database run R's cutover replaced is about to be deleted, so its cutover can
 * no longer be rolled back. Serialised with beginCutoverRollback on the run's row: refused while
 * a rollback of R is moving applications back to that database. A run Rewind does not know (the
 * resource's tags name it, the store does not) has no rollback to guard.
 */
export async function markReplacedDeletion(pool: Pool, runId: string, actor: string, resource: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    const run = await loadRun(db, runId, true);
    if (!run) return;
    if (cutoverRollbackOf(run) || run.status === 'rolling_back') {
      throw new RewindError({
        code: 'REPLACED_DATABASE_IN_USE',
        userMessage: `The cutover of run ${run.id} is being rolled back: applications are moving back to ${resource}, so it will not be deleted. Nothing was deleted.`,
      });
    }
    const deletion: ReplacedDeletion = { requestedBy: actor, at: new Date().toISOString(), resource, state: 'deleting' };
    await mergeRunMeta(db, run.id, { replacedDeletion: deletion });
  });
}

/** After the delete call: done (with its final snapshot), or forgotten when nothing was deleted. */
export async function settleReplacedDeletion(pool: Pool, runId: string, outcome: { deleted: true; finalSnapshot?: string } | { deleted: false }): Promise<void> {
  if (!outcome.deleted) {
    await pool.query(`UPDATE runs SET meta = meta - 'replacedDeletion' WHERE id = $1`, [runId]);
    return;
  }
  const patch = { state: 'deleted', ...(outcome.finalSnapshot ? { finalSnapshot: outcome.finalSnapshot } : {}) };
  await pool.query(`UPDATE runs SET meta = jsonb_set(meta, '{replacedDeletion}', (meta->'replacedDeletion') || $2::jsonb) WHERE id = $1 AND meta ? 'replacedDeletion'`, [runId, JSON.stringify(patch)]);
}

