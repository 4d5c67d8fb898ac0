import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RewindConfig } from '../config/schema';
import type { DrillJobs } from '../drills/drill-ports';
import { DEFAULT_FIXED_SCHEDULES, desiredSchedulers, diffSchedulers, drillRepeatStrategy, type FixedSchedules, type SchedulerDiff } from '../drills/drill-schedule';

/** The drills queue: scheduler fires, delayed drill starts, settling of drill runs, the sweep. */
export const DRILL_QUEUE = 'drills';
export const DRILL_START_JOB = 'drill.start';
export const DRILL_SETTLE_JOB = 'drill.settle';

export interface DrillStartData {
  drillId: string;
  startsAtMs: number;
}

export interface DrillSettleData {
  runId: string;
}

/** Both the queue (upserts) and the worker (next iterations) must compute fire times the same way. */
export const DRILL_QUEUE_SETTINGS = { repeatStrategy: drillRepeatStrategy };

/** Start jobs are keyed by drill and start time: a postponement adds a new job, the old one finds itself stale. */
export function drillStartJobId(drillId: string, startsAtMs: number): string {
  return `${drillId}.start.${startsAtMs}`;
}

export class BullmqDrillJobs implements DrillJobs {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(DRILL_QUEUE, { connection, prefix, settings: DRILL_QUEUE_SETTINGS });
    // Connection errors surface in /healthz and in the calls that fail; unhandled they print a stack per retry.
    this.queue.on('error', () => undefined);
  }

  async scheduleStart(drillId: string, startsAt: Date, delayMs: number): Promise<void> {
    const data: DrillStartData = { drillId, startsAtMs: startsAt.getTime() };
    await this.queue.add(DRILL_START_JOB, data, {
      jobId: drillStartJobId(drillId, data.startsAtMs),
      delay: Math.max(0, Math.round(delayMs)),
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async scheduleSettle(runId: string, delayMs = 0): Promise<void> {
    const data: DrillSettleData = { runId };
    await this.queue.add(DRILL_SETTLE_JOB, data, { delay: Math.max(0, Math.round(delayMs)), attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: true });
  }

  /**
   * Makes the queue's schedulers match rewind.yml: new and changed ones are upserted, ones
   * rewind.yml no longer asks for are removed, unchanged ones are left alone (their next fire
   * stays as it was). Called at every worker start.
   */
  async syncSchedulers(config: RewindConfig, fixed: FixedSchedules = DEFAULT_FIXED_SCHEDULES): Promise<SchedulerDiff> {
    const existing = (await this.queue.getJobSchedulers(0, -1, true)).map((s) => ({ id: s.key, name: s.name, pattern: s.pattern, every: s.every, tz: s.tz }));
    const diff = diffSchedulers(existing, desiredSchedulers(config, fixed));
    for (const id of diff.remove) await this.queue.removeJobScheduler(id);
    for (const s of diff.upsert) {
      const repeat = s.pattern !== undefined ? { pattern: s.pattern, ...(s.tz ? { tz: s.tz } : {}) } : { every: s.every as number };
      await this.queue.upsertJobScheduler(s.id, repeat, { name: s.name, data: s.data, opts: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: true, removeOnFail: 50 } });
    }
    return diff;
  }

  /** When each scheduler fires next (ms), by id. */
  async nextFires(): Promise<Map<string, number | undefined>> {
    return new Map((await this.queue.getJobSchedulers(0, -1, true)).map((s) => [s.key, s.next]));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
