import { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config/load';
import { loadEnv, type RewindEnv } from '../config/env';
import type { RewindConfig } from '../config/schema';
import { createLogger, type Logger } from '../observability/logger';
import { createMetrics, type Metrics } from '../observability/metrics';
import { redactValue } from '../observability/redact';
import { migrate } from '../persistence/migrate';
import type { ProviderResolver } from '../providers/ports';
import type { RunObserver } from '../recovery/engine-ports';
import { createRedis } from '../queue/redis-connection';
import { STEP_QUEUE } from '../queue/queue-names';
import { stepProcessors } from '../../jobs';
import { buildEngine, type Engine } from './engine-factory';
import { providersFromConfig } from './providers-from-config';

export interface RuntimeOptions {
  env?: Record<string, string | undefined>;
  config?: RewindConfig;
  /** Replaces the providers built from rewind.yml (tests, the demo). */
  providers?: ProviderResolver;
  logger?: Logger;
}

export interface Runtime extends Engine {
  env: RewindEnv;
  config: RewindConfig;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  metrics: Metrics;
  providers: ProviderResolver;
  /**
   * Adds a listener to every committed run change made in this process (the Slack notifier,
   * drills). Listeners must only record or enqueue; one that throws does not affect the others.
   * Returns the function that removes it.
   */
  observe(observer: RunObserver): () => void;
  close(): Promise<void>;
}

/**
 * The one composition root: validates the environment and rewind.yml (a bad one stops start-up
 * with the file, the path in it and what was expected), migrates the store, and builds the engine.
 */
export async function createRuntime(o: RuntimeOptions = {}): Promise<Runtime> {
  const env = loadEnv(o.env ?? process.env);
  const logger = o.logger ?? createLogger({ level: env.LOG_LEVEL });
  const config = o.config ?? loadConfig(env.REWIND_CONFIG);
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 20, connectionTimeoutMillis: 5_000 });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) logger.info({ applied }, 'store migrated');
  } catch (err) {
    await pool.end();
    throw err;
  }
  const redis = createRedis(env.REDIS_URL);
  redis.on('error', () => undefined);
  const metrics = createMetrics();
  const providers = o.providers ?? providersFromConfig(config);
  const observers = new Set<RunObserver>();
  const observer: RunObserver = {
    runChanged(run, event) {
      for (const l of observers) {
        try {
          l.runChanged(run, event);
        } catch (err) {
          logger.warn({ runId: run.id, event, err: (err as Error).message }, 'a run observer failed');
        }
      }
    },
  };
  const engine = buildEngine({
    pool,
    redis,
    prefix: env.REWIND_QUEUE_PREFIX,
    processors: stepProcessors(providers),
    scrub: (v) => redactValue(v),
    observer,
    logger,
    onStepFinished: (kind, outcome, seconds) => metrics.observeStep(kind, outcome === 'done' ? 'succeeded' : outcome === 'fail' || outcome === 'retry' ? 'failed' : 'waiting', seconds),
  });
  metrics.setRunCounter(() => engine.store.countRunsByStatus());
  metrics.setQueueDepthSource(async () => ({ [STEP_QUEUE]: await engine.scheduler.depth() }));
  return {
    ...engine,
    env,
    config,
    logger,
    pool,
    redis,
    metrics,
    providers,
    observe(l) {
      observers.add(l);
      return () => observers.delete(l);
    },
    async close() {
      await engine.scheduler.close().catch(() => undefined);
      redis.disconnect();
      await pool.end();
    },
  };
}
