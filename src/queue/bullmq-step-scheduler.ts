import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ScheduledStep, StepScheduler } from '../recovery/engine-ports';
import { COMPENSATE_JOB, STEP_JOB, STEP_QUEUE, compensationJobId, stepJobId } from './queue-names';

export interface StepJobData {
  runId: string;
  idx: number;
  attempt: number;
  wake: number;
}

export interface CompensationJobData {
  runId: string;
  round: number;
}

/**
 * Jobs are removed when done (and when failed): the store decides whether a ticket is still
 * valid, so a re-added duplicate is refused there, and a removed job never blocks a re-enqueue.
 */
export class BullmqStepScheduler implements StepScheduler {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(STEP_QUEUE, { connection, prefix });
    // Connection errors surface in /healthz and in the calls that fail; unhandled they print a stack per retry.
    this.queue.on('error', () => undefined);
  }

  async scheduleStep(s: ScheduledStep): Promise<void> {
    const data: StepJobData = { ...s.ticket };
    await this.queue.add(STEP_JOB, data, {
      jobId: stepJobId(s.ticket),
      delay: Math.max(0, Math.round(s.delayMs)),
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 1,
    });
  }

  async scheduleCompensation(runId: string, delayMs: number, round: number, waitTag?: string): Promise<void> {
    const data: CompensationJobData = { runId, round: Math.max(0, round) };
    await this.queue.add(COMPENSATE_JOB, data, {
      jobId: waitTag ? `${compensationJobId(runId, round)}.${waitTag}` : compensationJobId(runId, round),
      delay: Math.max(0, Math.round(delayMs)),
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
