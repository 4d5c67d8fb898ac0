import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { migrate } from '../../src/persistence/migrate';
import { buildEngine, startWorker, type Engine, type RunningWorker } from '../../src/main/engine-factory';
import { registry, type StepProcessor } from '../../src/recovery/step-processor';
import type { Plan, Run, RunStatus } from '../../src/recovery/run';
import { createRedis } from '../../src/queue/redis-connection';
import { gateProcessor } from '../../jobs/gate';
import { createTestDatabase, type TestDatabase } from './database';
import { createCountingTables, effectProcessor, type EffectParams } from './counting-processors';
import { TEST_REDIS_URL } from './env';

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Harness extends Engine {
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  startWorker(opts?: { reconcileMs?: number; concurrency?: number }): RunningWorker;
  waitFor(runId: string, statuses: RunStatus[], timeoutMs?: number): Promise<Run>;
  close(): Promise<void>;
}

/** A fresh database, a unique queue prefix and the engine with counting test steps. */
export async function createHarness(opts: { redisUrl?: string; leaseMs?: number; extra?: StepProcessor[] } = {}): Promise<Harness> {
  const db = await createTestDatabase('engine');
  const pool = new Pool({ connectionString: db.url, max: 10 });
  await migrate(pool);
  await createCountingTables(pool);
  const redisUrl = opts.redisUrl ?? TEST_REDIS_URL;
  const redis = createRedis(redisUrl);
  const prefix = `rwtest-${randomBytes(4).toString('hex')}`;
  const processors = registry(gateProcessor, effectProcessor(pool), ...(opts.extra ?? []));
  const engine = buildEngine({ pool, redis, prefix, processors, leaseMs: opts.leaseMs ?? 2000, logger: quietLogger });
  const workers: RunningWorker[] = [];
  const workerConns: Redis[] = [];
  return {
    ...engine,
    db,
    pool,
    redis,
    redisUrl,
    prefix,
    startWorker(o = {}) {
      const conn = createRedis(redisUrl);
      workerConns.push(conn);
      const w = startWorker(engine, conn, prefix, { logger: quietLogger, reconcileMs: o.reconcileMs ?? 60_000, concurrency: o.concurrency });
      workers.push(w);
      return w;
    },
    async waitFor(runId, statuses, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await engine.store.getRun(runId);
        if (run && statuses.includes(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.status}, expected ${statuses.join('|')}; steps: ${run?.steps.map((s) => `${s.idx}:${s.status}`).join(' ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
      await engine.scheduler.close().catch(() => undefined);
      for (const c of workerConns) c.disconnect();
      redis.disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

export function effectPlan(database: string, steps: EffectParams[], gates: Record<number, string> = {}): Plan {
  const specs: Plan['steps'] = [];
  steps.forEach((params, i) => {
    if (gates[i]) specs.push({ kind: 'gate', name: `Approve ${gates[i]}`, gate: gates[i] });
    specs.push({ kind: 'effect', name: `Effect ${i + 1}`, params: { ...params } });
  });
  return { path: 'custom', database, target: { kind: 'latest' }, steps: specs };
}
