import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { buildEngine, startWorker } from '../src/main/engine-factory';
import { migrate } from '../src/persistence/migrate';
import { createRedis } from '../src/queue/redis-connection';
import type { Plan } from '../src/recovery/run';
import { registry, type StepProcessor } from '../src/recovery/step-processor';
import { createTestDatabase } from '../test/support/database';
import { TEST_REDIS_URL } from '../test/support/env';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function noopPlan(database: string, steps: number): Plan {
  return { path: 'custom', database, target: { kind: 'latest' }, steps: Array.from({ length: steps }, (_, i) => ({ kind: 'noop', name: `noop ${i + 1}` })) };
}

/**
 * Engine overhead: from one no-op step's processor returning to the next one's being called
 * (record outcome, enqueue, BullMQ hand-off, claim), and 50 concurrent 8-step runs end to end.
 */
export async function engineBench(): Promise<void> {
  const db = await createTestDatabase('bench');
  const pool = new Pool({ connectionString: db.url, max: 20 });
  await migrate(pool);
  const ended = new Map<string, number>();
  const gaps: number[] = [];
  const noop: StepProcessor = {
    kind: 'noop',
    async run(ctx) {
      const prev = ended.get(`${ctx.run.id}:${ctx.step.idx - 1}`);
      if (prev !== undefined) gaps.push(performance.now() - prev);
      ended.set(`${ctx.run.id}:${ctx.step.idx}`, performance.now());
      return { type: 'done' };
    },
  };
  const prefix = `rwbench-${randomBytes(3).toString('hex')}`;
  const redis = createRedis(TEST_REDIS_URL);
  const engine = buildEngine({ pool, redis, prefix, processors: registry(noop), logger: quiet });
  const worker = startWorker(engine, createRedis(TEST_REDIS_URL), prefix, { logger: quiet, concurrency: 32 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const waitAll = async (ids: string[]) => {
    for (;;) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = 'succeeded'`, [ids]);
      if (rows[0].n === ids.length) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  // sequential: one run at a time, 20 runs of 8 steps → 140 step-to-step gaps
  for (let i = 0; i < 20; i++) {
    const run = await engine.engine.start({ plan: noopPlan(`seq-${i}`, 8), requestedBy: 'bench' });
    await waitAll([run.id]);
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  console.log(`engine overhead per step (sequential, ${sorted.length} transitions): p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (target p99 < 50 ms)`);

  gaps.length = 0;
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => engine.engine.start({ plan: noopPlan(`par-${i}`, 8), requestedBy: 'bench' })));
  await waitAll(runs.map((r) => r.id));
  const total = performance.now() - t0;
  const psorted = [...gaps].sort((a, b) => a - b);
  clearInterval(sampler);
  console.log(`50 concurrent runs x 8 steps: ${(total / 1000).toFixed(2)} s total (target < 10 s); step overhead under load p50 ${percentile(psorted, 50).toFixed(1)} ms, p99 ${percentile(psorted, 99).toFixed(1)} ms`);
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (sampled), max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (target < 300 MB)`);

  await worker.close();
  await engine.scheduler.close();
  redis.disconnect();
  await pool.end();
  await db.drop();
}
