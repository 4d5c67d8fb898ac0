import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'pg';
import { stepProcessors } from '../jobs';
import { buildEngine, startWorker } from '../src/main/engine-factory';
import { migrate } from '../src/persistence/migrate';
import type { LocalPostgresRecoverySource } from '../src/providers/local/local-recovery-source';
import type { DatabaseProviders } from '../src/providers/ports';
import { createRedis } from '../src/queue/redis-connection';
import { planHash } from '../src/recovery/plan-hash';
import { buildRecoveryPlan } from '../src/recovery/plans';
import type { Run } from '../src/recovery/run';
import { createTestDatabase } from '../test/support/database';
import { TEST_REDIS_URL } from '../test/support/env';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EngineRunTiming {
  e2eMs: number;
  /** Time the run sat at its gates (the benchmark approves as soon as it sees one). */
  gatesMs: number;
  /** From the restore step's start to the restored cluster's promotion (its timeline history file). */
  restoreMs: number;
  steps: Array<{ name: string; ms: number }>;
}

/**
 * One whole PITR run through the engine as the worker executes it — store, BullMQ, step
 * claims, check-window, both gates (approved by the benchmark at once), restore, polling with
 * the provider's own interval — with the benchmark's source as the database's recovery source.
 */
export async function engineRun(provider: LocalPostgresRecoverySource, target: Date): Promise<EngineRunTiming> {
  const db = await createTestDatabase('bench_local');
  const pool = new Pool({ connectionString: db.url, max: 10 });
  const redis = createRedis(TEST_REDIS_URL);
  const workerConn = createRedis(TEST_REDIS_URL);
  const prefix = `rwbench-${randomBytes(3).toString('hex')}`;
  try {
    await migrate(pool);
    const providers = (): DatabaseProviders => ({ source: provider, cutovers: [], healthChecks: [] });
    const engine = buildEngine({ pool, redis, prefix, processors: stepProcessors(providers), logger: quiet });
    const worker = startWorker(engine, workerConn, prefix, { logger: quiet });
    try {
      const plan = buildRecoveryPlan({ database: 'bench-db', cutovers: [], healthChecks: 0, validationChecks: 0 }, { kind: 'time', at: target });
      const t0 = performance.now();
      const started = await engine.engine.start({ plan, requestedBy: 'U0BENCH01' });
      let gatesMs = 0;
      let run: Run | undefined = started;
      for (;;) {
        run = await engine.store.getRun(started.id);
        if (!run) throw new Error('the run disappeared');
        if (run.status === 'succeeded') break;
        if (run.status === 'failed' || run.status === 'aborted') throw new Error(`the run ${run.status}: ${run.steps.map((s) => s.error?.message).filter(Boolean).join('; ')}`);
        const step = run.steps[run.currentStep];
        if (run.status === 'awaiting_approval' && step) {
          const waitStart = step.startedAt?.getTime() ?? Date.now();
          await engine.engine.approve({ runId: run.id, gate: String(step.params.gate), planHash: planHash(run.plan), actor: 'U0BENCH02' });
          gatesMs += Date.now() - waitStart;
        }
        await sleep(10);
      }
      const e2eMs = performance.now() - t0;
      const ms = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : 0);
      const restoreStep = run.steps.find((s) => s.kind === 'restore');
      const ref = restoreStep?.state.ref as { dataDir?: string } | undefined;
      const history = (await readdir(join(ref?.dataDir ?? '', 'pg_wal'))).filter((f) => f.endsWith('.history')).sort().pop();
      if (!ref?.dataDir || !history) throw new Error('cannot tell when the restored cluster was promoted (no timeline history file)');
      const promotedAt = (await stat(join(ref.dataDir, 'pg_wal', history))).mtime;
      return {
        e2eMs,
        gatesMs,
        restoreMs: ms(restoreStep?.startedAt ?? null, promotedAt),
        steps: run.steps.map((s) => ({ name: s.name, ms: ms(s.startedAt, s.finishedAt) })),
      };
    } finally {
      await worker.close();
    }
  } finally {
    await closeAll(pool, redis, workerConn);
    await db.drop();
  }
}

async function closeAll(pool: Pool, ...conns: Array<{ disconnect(): void }>): Promise<void> {
  for (const c of conns) c.disconnect();
  await pool.end();
}
