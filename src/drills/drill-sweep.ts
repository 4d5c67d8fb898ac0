import type { DrillDeps } from './drill-ports';
import { settleDrillRun } from './settle-drill';

/** Slack, a delay before a due drill is looked at again: BullMQ normally starts it on time. */
const START_GRACE_MS = 30_000;

/**
 * The drills' reconciler (every minute): a due drill whose start job was lost is enqueued again
 * (the job id is deterministic, so a job still there is not doubled), and every running drill's
 * run is settled, so a missed event or a crash never leaves a sandbox or a report behind.
 */
export async function sweepDrills(deps: DrillDeps): Promise<{ restarted: number; settled: number }> {
  let restarted = 0;
  let settled = 0;
  const now = deps.now().getTime();
  for (const drill of await deps.store.open()) {
    try {
      if (drill.status === 'announced' && drill.startsAt.getTime() + START_GRACE_MS <= now) {
        await deps.jobs.scheduleStart(drill.id, drill.startsAt, 0);
        restarted++;
      } else if (drill.status === 'running' && drill.runId) {
        const out = await settleDrillRun(deps, drill.runId);
        if (out === 'reported' || out === 'tearing-down') settled++;
      }
    } catch (err) {
      deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'drill sweep failed for drill');
    }
  }
  return { restarted, settled };
}
