/**
 * A worker in its own process, so a test can SIGKILL it mid-step. Configured by environment:
 * WORKER_DB_URL, WORKER_REDIS_URL, WORKER_PREFIX, WORKER_LEASE_MS, WORKER_RECONCILE_MS.
 */
import { Pool } from 'pg';
import { buildEngine, startWorker } from '../../src/main/engine-factory';
import { createRedis } from '../../src/queue/redis-connection';
import { registry } from '../../src/recovery/step-processor';
import { gateProcessor } from '../../jobs/gate';
import { effectProcessor } from './counting-processors';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};

const pool = new Pool({ connectionString: env('WORKER_DB_URL'), max: 5 });
const prefix = env('WORKER_PREFIX');
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const engine = buildEngine({
  pool,
  redis: createRedis(env('WORKER_REDIS_URL')),
  prefix,
  processors: registry(gateProcessor, effectProcessor(pool)),
  leaseMs: Number(env('WORKER_LEASE_MS')),
  logger,
});
const w = startWorker(engine, createRedis(env('WORKER_REDIS_URL')), prefix, { logger, reconcileMs: Number(env('WORKER_RECONCILE_MS')) });
void w.worker.waitUntilReady().then(() => process.stdout.write('ready\n'));
