import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DRILL_QUEUE, DRILL_QUEUE_SETTINGS } from './drill-queue';

export interface DrillWorkerOptions {
  connection: Redis;
  prefix: string;
  process: (job: Job) => Promise<unknown>;
  concurrency?: number;
}

/** Consumes the drills queue with the same repeat strategy as the queue, so every iteration fires announceBefore early. */
export function createDrillWorker(o: DrillWorkerOptions): Worker {
  return new Worker(DRILL_QUEUE, o.process, { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 4, settings: DRILL_QUEUE_SETTINGS });
}
