import type { Pool, QueryConfig } from 'pg';
import type { Redis } from 'ioredis';
import { redactString } from './redact';

export interface ComponentHealth {
  ok: boolean;
  /** Why the component is unhealthy, secrets scrubbed; absent when ok. */
  error?: string;
  latencyMs: number;
}

/** Any health report the HTTP endpoint can serve: named components, each ok or not. */
export interface HealthReport {
  ok: boolean;
  checks: Record<string, ComponentHealth>;
}

/** The report of `checkHealth`: one entry per dependency of a Rewind process. */
export type SystemHealth = {
  ok: boolean;
  checks: { postgres: ComponentHealth; redis: ComponentHealth };
};

export interface HealthDeps {
  pg: Pool;
  redis: Redis;
  /** Upper bound for each check; a check that has not answered by then is unhealthy. */
  timeoutMs?: number;
}

// A probe still pending from an earlier check is joined rather than repeated, so a hanging
// dependency cannot pile up pool connections or queued Redis commands across health checks.
const inFlight = new WeakMap<object, Promise<void>>();

function probeOnce(target: object, probe: () => Promise<void>): Promise<void> {
  const pending = inFlight.get(target);
  if (pending) return pending;
  const p = probe().finally(() => inFlight.delete(target));
  inFlight.set(target, p);
  return p;
}

/** Runs `probe` bounded by `timeoutMs`; never rejects. */
export async function timedCheck(probe: () => Promise<void>, timeoutMs: number): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true, latencyMs: elapsed(started) };
  } catch (err) {
    return { ok: false, error: describe(err), latencyMs: elapsed(started) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    return redactString(err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; '));
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const msg = err.message || (typeof code === 'string' ? code : err.name);
    return redactString(msg);
  }
  return redactString(String(err));
}

async function pingPostgres(pg: Pool, timeoutMs: number): Promise<void> {
  // query_timeout bounds the query on the server connection; connection acquisition itself is
  // bounded by the caller's race (and by the pool's connectionTimeoutMillis, if set).
  // pg reads `query_timeout` per query, though its typings only declare it on the client config.
  const query: QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: timeoutMs };
  await pg.query(query);
}

async function pingRedis(redis: Redis): Promise<void> {
  // With the offline queue on, a command sent while disconnected waits for the reconnect; a
  // client that is known to be down is reported at once instead.
  if (redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end') {
    throw new Error(`not connected (${redis.status})`);
  }
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${String(reply)}`);
}

/** Probes PostgreSQL and Redis concurrently; each probe is bounded by `timeoutMs`. */
export async function checkHealth(deps: HealthDeps): Promise<SystemHealth> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const [postgres, redis] = await Promise.all([
    timedCheck(() => probeOnce(deps.pg, () => pingPostgres(deps.pg, timeoutMs)), timeoutMs),
    timedCheck(() => probeOnce(deps.redis, () => pingRedis(deps.redis)), timeoutMs),
  ]);
  return { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
}
