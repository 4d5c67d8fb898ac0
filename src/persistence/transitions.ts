import { assertRunTransition, assertStepTransition } from '../recovery/run-state';
import type { RunStatus, StepStatus } from '../recovery/run';
import { TERMINAL_RUN_STATUSES } from '../recovery/run';
import { appendAudit, type Scrubber } from './audit-log';
import type { Queryable } from './transaction';

/**
 * The only writers of run and step status. Each checks the state machine, writes the new status
 * and its audit row on the caller's transaction, so both commit or neither does.
 */
export async function transitionRun(
  db: Queryable,
  scrub: Scrubber,
  run: { id: string; database: string; status: RunStatus },
  to: RunStatus,
  actor: string,
  detail: Record<string, unknown> = {},
  fields: { error?: unknown; endedBy?: string } = {},
): Promise<void> {
  assertRunTransition(run.id, run.status, to);
  const terminal = TERMINAL_RUN_STATUSES.includes(to);
  await db.query(
    `UPDATE runs SET status = $2, updated_at = now(),
        finished_at = CASE WHEN $3 THEN now() ELSE NULL END,
        error = CASE WHEN $2 = 'failed' THEN $4::jsonb WHEN $2 = 'running' THEN NULL ELSE error END,
        ended_by = COALESCE($5, ended_by)
      WHERE id = $1`,
    [run.id, to, terminal, fields.error === undefined ? null : JSON.stringify(fields.error), fields.endedBy ?? null],
  );
  if (terminal) await db.query('DELETE FROM database_locks WHERE database = $1 AND run_id = $2', [run.database, run.id]);
  await appendAudit(db, { actor, runId: run.id, action: `run.${to}`, from: run.status, to, detail }, scrub);
  run.status = to;
}

export interface StepFields {
  nextAt?: Date | null;
  error?: unknown;
  output?: unknown;
  detail?: string | null;
  attempt?: number;
  wake?: number;
  releaseLease?: boolean;
}

export async function transitionStep(
  db: Queryable,
  scrub: Scrubber,
  step: { runId: string; idx: number; status: StepStatus },
  to: StepStatus,
  actor: string,
  fields: StepFields = {},
  detail: Record<string, unknown> = {},
): Promise<void> {
  if (step.status !== to) assertStepTransition(step.runId, step.idx, step.status, to);
  const finished = to === 'succeeded' || to === 'failed' || to === 'skipped';
  await db.query(
    `UPDATE steps SET status = $3,
        started_at = CASE WHEN $3 IN ('running','waiting') THEN COALESCE(started_at, now()) ELSE started_at END,
        finished_at = CASE WHEN $4 THEN now() ELSE NULL END,
        next_at = $5,
        error = CASE WHEN $6::jsonb IS NOT NULL THEN $6::jsonb WHEN $3 = 'succeeded' THEN NULL ELSE error END,
        output = COALESCE($7::jsonb, output),
        detail = COALESCE($8, detail),
        attempt = COALESCE($9, attempt),
        wake = COALESCE($10, wake),
        lease_owner = CASE WHEN $11 THEN NULL ELSE lease_owner END,
        lease_until = CASE WHEN $11 THEN NULL ELSE lease_until END
      WHERE run_id = $1 AND idx = $2`,
    [
      step.runId,
      step.idx,
      to,
      finished,
      fields.nextAt ?? null,
      fields.error === undefined ? null : JSON.stringify(fields.error),
      fields.output === undefined ? null : JSON.stringify(fields.output),
      fields.detail ?? null,
      fields.attempt ?? null,
      fields.wake ?? null,
      fields.releaseLease ?? finished,
    ],
  );
  if (step.status !== to) {
    await appendAudit(db, { actor, runId: step.runId, stepIdx: step.idx, action: `step.${to}`, from: step.status, to, detail }, scrub);
  }
  step.status = to;
}
