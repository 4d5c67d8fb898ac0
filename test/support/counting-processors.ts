import type { Pool } from 'pg';
import { RewindError } from '../../src/recovery/errors';
import type { StepProcessor } from '../../src/recovery/step-processor';

/**
 * Test steps whose side effects land in tables: `test_effects` holds one row per applied effect
 * (keyed by run and step, the way a real restore is keyed by its deterministic name), and
 * `test_invocations` one row per execution, so tests can tell "ran twice" from "applied twice".
 */
export async function createCountingTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS test_effects (run_id text, step_idx int, applied_at timestamptz DEFAULT clock_timestamp(), PRIMARY KEY (run_id, step_idx));
    CREATE TABLE IF NOT EXISTS test_invocations (id bigserial PRIMARY KEY, run_id text, step_idx int, at timestamptz DEFAULT clock_timestamp());
    CREATE TABLE IF NOT EXISTS test_compensations (id bigserial PRIMARY KEY, run_id text, step_idx int);`);
}

export interface EffectParams {
  /** Sleep after applying the effect (a long step to kill a worker in). */
  sleepMs?: number;
  /** Executions that throw before applying the effect. */
  failTimes?: number;
  retryable?: boolean;
  /** Number of "not yet" answers before done. */
  waitPolls?: number;
  pollMs?: number;
}

async function invocations(pool: Pool, runId: string, idx: number): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM test_invocations WHERE run_id = $1 AND step_idx = $2', [runId, idx]);
  return rows[0].n;
}

export function effectProcessor(pool: Pool): StepProcessor {
  return {
    kind: 'effect',
    policy: { maxAttempts: 3, backoffMs: 100, backoffFactor: 2, timeoutMs: 30_000, pollMs: 50 },
    async run(ctx) {
      const p = ctx.step.params as EffectParams;
      const { id } = ctx.run;
      const idx = ctx.step.idx;
      await pool.query('INSERT INTO test_invocations (run_id, step_idx) VALUES ($1, $2)', [id, idx]);
      if (p.failTimes && (await invocations(pool, id, idx)) <= p.failTimes) {
        throw new RewindError({ code: 'TEST_FAILURE', userMessage: `test step ${idx} failed on purpose`, retryable: p.retryable ?? false });
      }
      await pool.query('INSERT INTO test_effects (run_id, step_idx) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, idx]);
      if (p.sleepMs) await new Promise((r) => setTimeout(r, p.sleepMs));
      const polls = Number(ctx.step.state.polls ?? 0);
      if (p.waitPolls && polls < p.waitPolls) {
        await ctx.save({ polls: polls + 1 });
        return { type: 'wait', retryAfterMs: p.pollMs ?? 50, detail: `poll ${polls + 1}` };
      }
      return { type: 'done', output: { applied: true } };
    },
    async compensate(ctx) {
      await pool.query('INSERT INTO test_compensations (run_id, step_idx) VALUES ($1, $2)', [ctx.run.id, ctx.step.idx]);
    },
  };
}

export async function effectCounts(pool: Pool, runId: string): Promise<{ effects: number[]; invocations: number[] }> {
  const eff = await pool.query('SELECT step_idx, count(*)::int AS n FROM test_effects WHERE run_id = $1 GROUP BY step_idx ORDER BY step_idx', [runId]);
  const inv = await pool.query('SELECT step_idx, count(*)::int AS n FROM test_invocations WHERE run_id = $1 GROUP BY step_idx ORDER BY step_idx', [runId]);
  const toArr = (rows: Array<{ step_idx: number; n: number }>) => {
    const out: number[] = [];
    for (const r of rows) out[r.step_idx] = r.n;
    return Array.from(out, (v) => v ?? 0);
  };
  return { effects: toArr(eff.rows), invocations: toArr(inv.rows) };
}
