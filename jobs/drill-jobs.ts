import type { Job } from 'bullmq';
import type { DrillService } from '../src/drills/drill-service';
import { leadOf, REMIND_JOB, SWEEP_JOB, VERIFY_JOB } from '../src/drills/drill-schedule';
import { DRILL_SETTLE_JOB, DRILL_START_JOB, type DrillSettleData, type DrillStartData } from '../src/queue/drill-queue';

/** When a scheduler meant this job to run (a worker that was down runs it late, for the same slot). */
export function plannedAt(job: Pick<Job, 'opts' | 'timestamp'>): Date {
  return new Date(job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0));
}

/** The drills queue's jobs, each one use case; nothing here decides anything about a drill. */
export function drillJobProcessor(service: DrillService): (job: Job) => Promise<unknown> {
  return async (job) => {
    switch (job.name) {
      case DRILL_START_JOB: {
        const d = job.data as DrillStartData;
        return service.start(d.drillId, d.startsAtMs);
      }
      case DRILL_SETTLE_JOB:
        return service.settle((job.data as DrillSettleData).runId);
      case SWEEP_JOB:
        return service.sweep();
      case REMIND_JOB:
        return service.remind();
      case VERIFY_JOB:
        return service.verifyBackups(plannedAt(job));
      default:
        if (leadOf(job.name) !== undefined) return service.fire(String((job.data as { database?: unknown }).database), plannedAt(job));
        throw new Error(`the drills worker has no handler for job "${job.name}"; upgrade the worker`);
    }
  };
}
