import type { Pool } from 'pg';
import type { ClaimResult, StepResult } from '../recovery/engine-ports';
import type { Run, Step, StepTicket } from '../recovery/run';
import { isActive } from '../recovery/run';
import { ticketOf } from '../recovery/ticket';
import { appendAudit, type Scrubber } from './audit-log';
import { loadRun } from './run-store';
import { withTransaction } from './transaction';
import { transitionRun, transitionStep } from './transitions';


function sameTicket(step: Step, t: StepTicket): boolean {
  return step.idx === t.idx && step.attempt === t.attempt && step.wake === t.wake;
}

/**
 * Takes the step for one execution by writing a lease. Refuses (without side effects) a ticket
 * that is stale — the run moved on, the step finished, a newer attempt or wake exists — and a
 * step another live worker holds. This check is what makes duplicate jobs harmless.
 */
export async function claimStep(pool: Pool, scrub: Scrubber, t: StepTicket, owner: string, leaseMs: number): Promise<ClaimResult> {
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, t.runId, true);
    if (!run) return { ok: false, reason: 'run not found' };
    // A run at a gate moves on only by an approval; rolling back has its own jobs.
    if (run.status !== 'planned' && run.status !== 'running') return { ok: false, reason: `run is ${run.status}` };
    // Leases are written and compared on the database's clock only, never a worker's.
    const now: Date = (await db.query('SELECT clock_timestamp() AS t')).rows[0].t;
    if (run.currentStep !== t.idx) return { ok: false, reason: `run is at step ${run.currentStep}` };
    const step = run.steps[t.idx];
    if (!step) return { ok: false, reason: 'no such step' };
    if (!sameTicket(step, t)) return { ok: false, reason: 'stale ticket' };
    if (!['pending', 'running', 'waiting'].includes(step.status)) return { ok: false, reason: `step is ${step.status}` };
    if (step.leaseOwner && step.leaseUntil && step.leaseUntil > now && step.leaseOwner !== owner) {
      return { ok: false, reason: `held by ${step.leaseOwner}` };
    }
    if (run.status === 'planned') await transitionRun(db, scrub, run, 'running', 'rewind');
    if (step.status === 'pending') await transitionStep(db, scrub, step, 'running', 'rewind');
    const leaseUntil = new Date(now.getTime() + leaseMs);
    await db.query('UPDATE steps SET lease_owner = $3, lease_until = $4 WHERE run_id = $1 AND idx = $2', [t.runId, t.idx, owner, leaseUntil]);
    step.leaseOwner = owner;
    step.leaseUntil = leaseUntil;
    if (!step.startedAt) step.startedAt = now;
    return { ok: true, run, step };
  });
}

/**
 * Extends the lease while `owner` (unique per execution) still holds it, whatever the step's
 * attempt now is: an execution that outlived its timeout keeps the step fenced until it ends.
 */
export async function renewLease(pool: Pool, t: StepTicket, owner: string, leaseMs: number): Promise<boolean> {
  const res = await pool.query(
    `UPDATE steps SET lease_until = now() + ($3 || ' milliseconds')::interval
      WHERE run_id = $1 AND idx = $2 AND lease_owner = $4`,
    [t.runId, t.idx, String(leaseMs), owner],
  );
  return res.rowCount === 1;
}

export async function releaseLease(pool: Pool, runId: string, idx: number, owner: string): Promise<void> {
  await pool.query('UPDATE steps SET lease_owner = NULL, lease_until = NULL WHERE run_id = $1 AND idx = $2 AND lease_owner = $3', [runId, idx, owner]);
}

/** What reaches the store from an execution is scrubbed like the audit trail: it is shown in Slack. */
function scrubResult(scrub: Scrubber, result: StepResult): StepResult {
  const text = (s: string | undefined) => (s === undefined ? undefined : String(scrub({ s }).s));
  switch (result.type) {
    case 'done':
      return { ...result, output: result.output && scrub(result.output), detail: text(result.detail) };
    case 'wait':
    case 'gate':
      return { ...result, detail: text(result.detail) };
    case 'retry':
    case 'fail':
      return { ...result, error: scrub({ ...result.error }) as unknown as typeof result.error };
  }
}


export interface RecordOutcome {
  accepted: boolean;
  run?: Run;
  /** What to enqueue after commit; the store is already correct if enqueueing fails. */
  next?: { ticket: StepTicket; delayMs: number };
}

/**
 * Writes what an execution decided, only if this worker still holds that exact ticket (a
 * taken-over or aborted step discards the late result but keeps the lease released).
 */
export async function recordOutcome(pool: Pool, scrub: Scrubber, t: StepTicket, owner: string, unscrubbed: StepResult): Promise<RecordOutcome> {
  const result = scrubResult(scrub, unscrubbed);
  return withTransaction(pool, async (db) => {
    const run = await loadRun(db, t.runId, true);
    const step = run?.steps[t.idx];
    if (!run || !step || !sameTicket(step, t) || step.leaseOwner !== owner || run.currentStep !== t.idx || !isActive(run.status) || run.status === 'rolling_back') {
      await db.query('UPDATE steps SET lease_owner = NULL, lease_until = NULL WHERE run_id = $1 AND idx = $2 AND lease_owner = $3', [t.runId, t.idx, owner]);
      return { accepted: false };
    }
    const actor = 'rewind';
    switch (result.type) {
      case 'done': {
        await transitionStep(db, scrub, step, 'succeeded', actor, { output: result.output ?? {}, detail: result.detail ?? null });
        const next = await advance(db, scrub, run, actor);
        return { accepted: true, run: (await loadRun(db, run.id)) as Run, next };
      }
      case 'wait': {
        const nextAt = new Date(Date.now() + result.delayMs);
        const wake = step.wake + 1;
        await transitionStep(db, scrub, step, 'waiting', actor, { nextAt, wake, detail: result.detail ?? null, releaseLease: true });
        return { accepted: true, run: (await loadRun(db, run.id)) as Run, next: { ticket: { ...t, wake }, delayMs: result.delayMs } };
      }
      case 'gate': {
        await transitionStep(db, scrub, step, 'waiting', actor, { detail: result.detail ?? null, releaseLease: true });
        await transitionRun(db, scrub, run, 'awaiting_approval', actor, { gate: step.params.gate ?? step.name });
        return { accepted: true, run: (await loadRun(db, run.id)) as Run };
      }
      case 'retry': {
        const attempt = step.attempt + 1;
        const nextAt = new Date(Date.now() + result.delayMs);
        await transitionStep(db, scrub, step, 'waiting', actor, { nextAt, attempt, wake: 0, error: result.error, releaseLease: !result.keepLease });
        await appendAudit(db, { actor, runId: run.id, stepIdx: step.idx, action: 'step.retry_scheduled', detail: { attempt, delayMs: result.delayMs, error: result.error } }, scrub);
        return { accepted: true, run: (await loadRun(db, run.id)) as Run, next: { ticket: { ...t, attempt, wake: 0 }, delayMs: result.delayMs } };
      }
      case 'fail': {
        await transitionStep(db, scrub, step, 'failed', actor, { error: result.error, releaseLease: !result.keepLease });
        await transitionRun(db, scrub, run, 'failed', actor, { step: step.name, code: result.error.code }, { error: { ...result.error, step: step.idx } });
        return { accepted: true, run: (await loadRun(db, run.id)) as Run };
      }
    }
  });
}

/** Moves the run past its current (succeeded) step; the last step's success ends the run. */
export async function advance(
  db: Parameters<typeof transitionRun>[0],
  scrub: Scrubber,
  run: Run,
  actor: string,
): Promise<{ ticket: StepTicket; delayMs: number } | undefined> {
  const nextIdx = run.currentStep + 1;
  const nextStep = run.steps[nextIdx];
  if (!nextStep) {
    await transitionRun(db, scrub, run, 'succeeded', actor);
    return undefined;
  }
  await db.query('UPDATE runs SET current_step = $2, updated_at = now() WHERE id = $1', [run.id, nextIdx]);
  run.currentStep = nextIdx;
  if (run.status !== 'running') await transitionRun(db, scrub, run, 'running', actor);
  return { ticket: ticketOf(nextStep), delayMs: 0 };
}
