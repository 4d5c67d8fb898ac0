import { createServer, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { Redis } from 'ioredis';
import { checkHealth, type SystemHealth } from '../../../src/observability/health';
import { createHttpApp, listen, type HealthBody, type RunningServer } from '../../../src/observability/http-server';
import { createMetrics } from '../../../src/observability/metrics';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { PrivateRedis, freePort } from '../../support/redis-server';

/** A Redis client that keeps reconnecting quickly, as the composition root configures it. */
function redisClient(url: string): Redis {
  return new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function getHealth(base: string): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

async function waitForStatus(base: string, status: number, timeoutMs = 10_000): Promise<HealthBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await getHealth(base);
    if (got.status === status) return got.body;
    if (Date.now() > deadline) throw new Error(`/healthz stayed ${got.status}: ${JSON.stringify(got.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('health over real PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let pg: Pool;
  let privateRedis: PrivateRedis;
  let redis: Redis;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('observability_health');
    pg = new Pool({ connectionString: db.url, max: 2 });
    privateRedis = await PrivateRedis.start();
    redis = redisClient(privateRedis.url);
    redis.on('error', () => undefined);
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    redis.disconnect();
    await pg.end();
    await privateRedis.stop();
    await db.drop();
  });

  async function serve(health: () => Promise<SystemHealth>): Promise<string> {
    const running: RunningServer = await listen(createHttpApp({ health, metrics: createMetrics({ defaultMetrics: false }).registry }), 0, '127.0.0.1');
    cleanups.push(() => running.close());
    return `http://127.0.0.1:${running.port}`;
  }

  it('reports both components healthy with latencies', async () => {
    const report = await checkHealth({ pg, redis });
    expect(report.ok).toBe(true);
    expect(report.checks.postgres).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(report.checks.redis).toEqual({ ok: true, latencyMs: expect.any(Number) });
  });

  it('answers 503 naming redis while it is down and 200 once it is back', async () => {
    const base = await serve(() => checkHealth({ pg, redis, timeoutMs: 1000 }));
    expect((await getHealth(base)).status).toBe(200);

    await privateRedis.stop();
    const down = await waitForStatus(base, 503);
    expect(down.status).toBe('unavailable');
    expect(down.failing).toEqual(['redis']);
    expect(down.checks.redis?.ok).toBe(false);
    expect(down.checks.redis?.error).toEqual(expect.any(String));
    expect(down.checks.postgres?.ok).toBe(true);

    await privateRedis.start();
    const up = await waitForStatus(base, 200);
    expect(up).toEqual({ status: 'ok', checks: { postgres: expect.objectContaining({ ok: true }), redis: expect.objectContaining({ ok: true }) } });
  });

  it('answers 503 naming postgres when the pool points at a closed port', async () => {
    const closed = new Pool({ connectionString: `postgres://postgres:pw-never-shown@127.0.0.1:${await freePort()}/postgres` });
    cleanups.push(() => closed.end());
    const base = await serve(() => checkHealth({ pg: closed, redis, timeoutMs: 1000 }));
    const { status, body } = await getHealth(base);
    expect(status).toBe(503);
    expect(body.failing).toEqual(['postgres']);
    expect(body.checks.postgres?.error).toMatch(/ECONNREFUSED/);
    expect(body.checks.redis?.ok).toBe(true);
    expect(JSON.stringify(body)).not.toContain('pw-never-shown');
  });

  it('bounds each check by the timeout when a dependency never answers', async () => {
    const silent = await silentServer();
    const hangingPg = new Pool({ connectionString: `postgres://postgres@127.0.0.1:${silent.port}/postgres`, max: 5 });
    const hangingRedis = redisClient(`redis://127.0.0.1:${silent.port}`);
    hangingRedis.on('error', () => undefined);
    try {
      const started = Date.now();
      const reports = await Promise.all([1, 2, 3].map(() => checkHealth({ pg: hangingPg, redis: hangingRedis, timeoutMs: 300 })));
      expect(Date.now() - started).toBeLessThan(2000);
      for (const r of reports) {
        expect(r.ok).toBe(false);
        expect(r.checks.postgres.error).toBe('no answer within 300 ms');
        expect(r.checks.redis.error).toBe('no answer within 300 ms');
      }
      // Concurrent checks share one pending probe instead of opening a connection each.
      expect(hangingPg.totalCount).toBe(1);
    } finally {
      hangingRedis.disconnect();
      await silent.close();
      await hangingPg.end().catch(() => undefined);
    }
  });
});
