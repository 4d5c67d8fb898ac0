import { durationsFor, ETA_HISTORY_SIZE } from '../drills/drill-history';
import type { RunPath } from '../recovery/run';
import { recentSuccessfulDrills } from './drill-store';
import type { Queryable } from './transaction';

/**
 * ETA history for the live message, from the drills of the run's database (newest first):
 * `render(run, now, { etaHistory: await drillEtaHistory(db, run.database, run.path) })`.
 * Same shape as `recentDurations` in slack-run-queries.ts, so either can feed the ETA.
 */
export async function drillEtaHistory(db: Queryable, database: string, path: RunPath, limit = ETA_HISTORY_SIZE): Promise<number[]> {
  return durationsFor(await recentSuccessfulDrills(db, database, limit), path);
}
