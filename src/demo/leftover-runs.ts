import { activeRunFor } from '../persistence/run-store';
import type { Runtime } from '../main/runtime';

/**
 * The console keeps its messages in memory, so a run still active from an earlier demo has no
 * buttons left to finish or abort it, and it would block every new run of the database. Such a
 * run is aborted (which discards what it restored) and said so.
 */
export async function abortLeftoverRuns(rt: Runtime, database: string): Promise<string[]> {
  const active = await activeRunFor(rt.pool, database);
  if (!active || active.status === 'rolling_back') return [];
  try {
    await rt.engine.abort(active.id, 'rewind-demo', 'the demo was restarted, and the console messages of this run are gone');
  } catch (err) {
    return [`✗ run ${active.id} (${active.status}) from an earlier demo is still active and could not be aborted: ${(err as Error).message}`];
  }
  return [`✓ aborted run ${active.id} (${active.status}) left over from an earlier demo; its restored cluster, if any, is discarded`];
}
