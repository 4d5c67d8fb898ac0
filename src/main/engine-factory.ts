import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { PgRunStore } from '../persistence/pg-run-store';
import type { Scrubber } from '../persistence/audit-log';
import type { RunObserver } from '../recovery/engine-ports';
import { RunEngine } from '../recovery/run-engine';
import { StepExecutor, type EngineLogger } from '../recovery/step-executor';
import type { StepPolicy } from '../recovery/step-policy';
import type { ProcessorRegistry } from '../recovery/step-processor';
import { BullmqStepScheduler } from '../queue/bullmq-step-scheduler';
import { startReconciler, type Reconciler } from '../queue/reconciler';
import { createStepWorker } from '../queue/step-worker';
import type { Worker } from 'bullmq';
import { throttled } from '../observability/throttled';

export interface EngineParts {
  pool: Pool;
  /** Used by the queue (producer side). Workers open their own blocking connection. */
  redis: Redis;
  prefix: string;
  processors: ProcessorRegistry;
  scrub?: Scrubber;
  observer?: RunObserver;
  logger?: EngineLogger;
  leaseMs?: number;
  policies?: Record<string, Partial<StepPolicy>>;
  onStepFinished?: (kind: string, outcome: string, seconds: number) => void;
}

export interface Engine {
  store: PgRunStore;
  scheduler: BullmqStepScheduler;
  executor: StepExecutor;
  engine: RunEngine;
}

/** Builds the run engine's parts; shared by the bot (producer) and the worker (consumer). */
export function buildEngine(p: EngineParts): Engine {
  const store = new PgRunStore(p.pool, p.scrub);
  const scheduler = new BullmqStepScheduler(p.redis, p.prefix);
  const executor = new StepExecutor({
    store,
    scheduler,
    processors: p.processors,
    observer: p.observer,
    logger: p.logger,
    leaseMs: p.leaseMs,
    policies: p.policies,
    onStepFinished: p.onStepFinished,
  });
  const engine = new RunEngine({ store, scheduler, processors: p.processors, executor, observer: p.observer, logger: p.logger });
  return { store, scheduler, executor, engine };
}

export interface RunningWorker {
  worker: Worker;
  reconciler: Reconciler;
  close(): Promise<void>;
}

/** Starts consuming step jobs and reconciling (once at once, then every `reconcileMs`). */
export function startWorker(e: Engine, workerRedis: Redis, prefix: string, opts: { concurrency?: number; reconcileMs?: number; logger: EngineLogger }): RunningWorker {
  const worker = createStepWorker({ connection: workerRedis, prefix, executor: e.executor, engine: e.engine, concurrency: opts.concurrency });
  const warn = throttled((obj, msg) => opts.logger.warn(obj, msg));
  worker.on('error', (err) => warn({ err: err.message }, 'step worker error'));
  const reconciler = startReconciler(e.engine, opts.logger, opts.reconcileMs);
  return {
    worker,
    reconciler,
    async close() {
      reconciler.stop();
      await worker.close();
    },
  };
}
