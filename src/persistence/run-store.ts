import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { RewindError } from '../recovery/errors';
import { planHash } from '../recovery/plan-hash';
import type { Plan, Run, RunStatus } from '../recovery/run';
import { ACTIVE_RUN_STATUSES } from '../recovery/run';
import { appendAudit, type Scrubber } from './audit-log';
import { serializePlan, serializeTarget, toApproval, toRun, toStep } from './run-rows';
import { withTransaction, type Queryable } from './transaction';

const ID_ALPHABET = 'abcdefghjkmnpqrstvwxyz23456789';

/** Short enough to type in `/dr abort r-k3m9qz`, unambiguous letters only. */
export function newRunId(): string {
  const bytes = randomBytes(6);
  return `r-${Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

export interface NewRun {
  plan: Plan;
  requestedBy: string;
  channel?: string | null;
  meta?: Record<string, unknown>;
  id?: string;
}

export async function loadRun(db: Queryable, id: string, lock = false): Promise<Run | undefined> {
  const { rows } = await db.query(`SELECT * FROM runs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (rows.length === 0) return undefined;
  const steps = await db.query(`SELECT * FROM steps WHERE run_id = $1 ORDER BY idx${lock ? ' FOR UPDATE' : ''}`, [id]);
  const approvals = await db.query('SELECT * FROM approvals WHERE run_id = $1 ORDER BY id', [id]);
  return toRun(rows[0], steps.rows.map(toStep), approvals.rows.map(toApproval));
}

/**
 * Creates a run in `planned` and takes the database's lock in the same transaction. A second run
 * for a database that has an active one is refused naming that run; of two concurrent starts,
 * the primary key on database_locks lets exactly one commit.
 */
export async function createRun(pool: Pool, scrub: Scrubber, input: NewRun): Promise<Run> {
  const id = input.id ?? newRunId();
  const { plan } = input;
  try {
    return await withTransaction(pool, async (db) => {
      await db.query(
        `INSERT INTO runs (id, database, path, status, requested_by, channel, target, plan, plan_hash, meta)
         VALUES ($1, $2, $3, 'planned', $4, $5, $6, $7, $8, $9)`,
        [id, plan.database, plan.path, input.requestedBy, input.channel ?? null, serializeTarget(plan.target), serializePlan(plan), planHash(plan), input.meta ?? {}],
      );
      await db.query('INSERT INTO database_locks (database, run_id) VALUES ($1, $2)', [plan.database, id]);
      for (const [idx, s] of plan.steps.entries()) {
        await db.query('INSERT INTO steps (run_id, idx, kind, name, params, status) VALUES ($1, $2, $3, $4, $5, $6)', [
          id,
          idx,
          s.kind,
          s.name,
          { ...(s.params ?? {}), ...(s.gate ? { gate: s.gate } : {}) },
          'pending',
        ]);
      }
      await appendAudit(db, { actor: input.requestedBy, runId: id, action: 'run.planned', to: 'planned', detail: { path: plan.path, database: plan.database, steps: plan.steps.length } }, scrub);
      return (await loadRun(db, id)) as Run;
    });
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'database_locks_pkey') {
      const holder = await activeRunFor(pool, plan.database);
      throw new RewindError({
        code: 'RUN_ALREADY_ACTIVE',
        userMessage: holder
          ? `${plan.database} already has an active run, ${holder.id} (${holder.status.replace('_', ' ')}, started by ${holder.requestedBy}). Finish or abort it first: /dr status ${holder.id} or /dr abort ${holder.id}.`
          : `${plan.database} already has an active run. Try /dr status ${plan.database}.`,
        detail: holder ? { activeRunId: holder.id } : {},
      });
    }
    throw err;
  }
}

export async function activeRunFor(db: Queryable, database: string): Promise<{ id: string; status: RunStatus; requestedBy: string } | undefined> {
  const { rows } = await db.query(
    `SELECT r.id, r.status, r.requested_by FROM database_locks l JOIN runs r ON r.id = l.run_id WHERE l.database = $1`,
    [database],
  );
  const r = rows[0];
  return r ? { id: r.id, status: r.status, requestedBy: r.requested_by } : undefined;
}

export async function listRuns(db: Queryable, opts: { database?: string; active?: boolean; limit?: number } = {}): Promise<Run[]> {
  const { rows } = await db.query(
    `SELECT id FROM runs WHERE ($1::text IS NULL OR database = $1)
       AND (NOT $2 OR status = ANY($3)) ORDER BY created_at DESC LIMIT $4`,
    [opts.database ?? null, opts.active ?? false, ACTIVE_RUN_STATUSES, opts.limit ?? 20],
  );
  const runs: Run[] = [];
  for (const r of rows) {
    const run = await loadRun(db, r.id);
    if (run) runs.push(run);
  }
  return runs;
}

export async function countRunsByStatus(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query('SELECT status, count(*)::int AS n FROM runs GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Step-local facts survive abort and crashes; merged so concurrent keys do not clobber each other. */
export async function saveStepState(db: Queryable, runId: string, idx: number, patch: Record<string, unknown>, owner?: string): Promise<void> {
  const res = await db.query('UPDATE steps SET state = state || $3::jsonb WHERE run_id = $1 AND idx = $2 AND ($4::text IS NULL OR lease_owner = $4)', [
    runId,
    idx,
    JSON.stringify(patch),
    owner ?? null,
  ]);
  if (owner && res.rowCount === 0) {
    throw new RewindError({
      code: 'LEASE_LOST',
      userMessage: `Step ${idx + 1} of run ${runId} was taken over by another worker while this one ran; this execution stopped without saving.`,
      retryable: true,
    });
  }
}

export async function mergeRunMeta(db: Queryable, runId: string, patch: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE runs SET meta = meta || $2::jsonb WHERE id = $1', [runId, JSON.stringify(patch)]);
}
