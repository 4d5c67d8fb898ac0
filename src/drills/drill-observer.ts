import type { RunObserver } from '../recovery/engine-ports';
import type { Run } from '../recovery/run';
import type { DrillJobs, DrillLogger } from './drill-ports';

const SETTLE_ON: ReadonlySet<Run['status']> = new Set(['failed', 'succeeded', 'aborted']);

/**
 * Hands every drill run that failed or ended to the drills queue, where it is settled (torn down
 * if it failed, reported once it ended). Only enqueues: observers run inside the engine's calls.
 * A lost enqueue is caught by the drills sweep.
 */
export function drillRunObserver(jobs: Pick<DrillJobs, 'scheduleSettle'>, logger: DrillLogger): RunObserver {
  return {
    runChanged(run) {
      if (run.path !== 'drill' || !SETTLE_ON.has(run.status)) return;
      jobs.scheduleSettle(run.id).catch((err) => logger.warn({ runId: run.id, err: (err as Error).message }, 'could not enqueue settling a drill run; the sweep will'));
    },
  };
}
