import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { effectCounts } from '../../support/counting-processors';
import { createHarness, effectPlan, type Harness } from '../../support/engine-harness';
import { PrivateRedis } from '../../support/redis-server';

const ROOT = join(__dirname, '../../..');

function spawnWorker(h: Harness, leaseMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/worker-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, WORKER_DB_URL: h.db.url, WORKER_REDIS_URL: h.redisUrl, WORKER_PREFIX: h.prefix, WORKER_LEASE_MS: String(leaseMs), WORKER_RECONCILE_MS: '300' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('crash recovery', () => {
  let redis: PrivateRedis;
  let h: Harness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    h = await createHarness({ redisUrl: redis.url, leaseMs: 1000 });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await h.close();
    await redis.stop();
  });

  it('finishes a run whose worker was SIGKILLed mid-step, with no side effect applied twice', async () => {
    const first = await spawnWorker(h, 1000);
    children.push(first);
    const run = await h.engine.start({ plan: effectPlan('db-kill', [{}, { sleepMs: 3000 }, {}]), requestedBy: 'U0REQUEST1' });
    // step 1 has applied its effect and is sleeping inside the worker
    await until(async () => (await effectCounts(h.pool, run.id)).effects[1] === 1);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const mid = await h.store.getRun(run.id);
    expect(mid?.steps[1]?.status).toBe('running');

    children.push(await spawnWorker(h, 1000));
    const done = await h.waitFor(run.id, ['succeeded', 'failed'], 30_000);
    expect(done.status).toBe('succeeded');
    const counts = await effectCounts(h.pool, run.id);
    expect(counts.effects).toEqual([1, 1, 1]);
    expect(counts.invocations[1]).toBe(2); // executed again after the takeover, applied once
    const trail = await h.store.auditTrail(run.id);
    expect(trail.some((e) => e.action === 'step.lease_expired' && e.stepIdx === 1)).toBe(true);
  });

  it('resumes a run after FLUSHALL on Redis, through the reconciler, exactly once', async () => {
    const worker = await spawnWorker(h, 1000);
    children.push(worker);
    const run = await h.engine.start({ plan: effectPlan('db-flush', [{}, { waitPolls: 4, pollMs: 400 }, {}, {}]), requestedBy: 'U0REQUEST1' });
    await until(async () => (await h.store.getRun(run.id))?.steps[1]?.status === 'waiting');
    // Flushed and counted in one transaction: the running worker writes again right after, by design.
    const flushed = await h.redis.multi().flushall().dbsize().exec();
    expect(flushed?.[1]).toEqual([null, 0]);
    const done = await h.waitFor(run.id, ['succeeded', 'failed'], 30_000);
    expect(done.status).toBe('succeeded');
    expect((await effectCounts(h.pool, run.id)).effects).toEqual([1, 1, 1, 1]);
  });
});
