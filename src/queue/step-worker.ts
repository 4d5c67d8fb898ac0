import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunEngine } from '../recovery/run-engine';
import type { StepExecutor } from '../recovery/step-executor';
import type { CompensationJobData, StepJobData } from './bullmq-step-scheduler';
import { COMPENSATE_JOB, STEP_QUEUE } from './queue-names';

export interface StepWorkerOptions {
  connection: Redis;
  prefix: string;
  executor: StepExecutor;
  engine: RunEngine;
  concurrency?: number;
}

/** Thin: turns a job into an executor call. Nothing here decides anything about a run. */
export function createStepWorker(o: StepWorkerOptions): Worker {
  return new Worker(
    STEP_QUEUE,
    async (job: Job) => {
      if (job.name === COMPENSATE_JOB) {
        const d = job.data as CompensationJobData;
        await o.engine.compensate(d.runId, d.round);
        return;
      }
      const d = job.data as StepJobData;
      await o.executor.execute({ runId: d.runId, idx: d.idx, attempt: d.attempt, wake: d.wake });
    },
    { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 16 },
  );
}
