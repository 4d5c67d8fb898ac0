import type { RunPath } from '../recovery/run';
import type { DrillReport } from './drill';

/**
 * Durations (ms) of a database's recent successful drills, for the live message's ETA
 * (`render(run, now, { etaHistory })` takes the median). A drill run is timed end to end; any
 * other path is timed by what it shares with a drill, restore to validated (the drills' RTO),
 * since the rest of a recovery waits on people.
 */
export const ETA_HISTORY_SIZE = 10;

export function durationsFor(reports: readonly DrillReport[], path: RunPath): number[] {
  return reports
    .map((r) => (path === 'drill' ? totalMs(r) : r.rto.ms))
    .filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms > 0);
}

function totalMs(r: DrillReport): number | null {
  if (r.finishedAt === null) return null;
  return Date.parse(r.finishedAt) - Date.parse(r.startedAt);
}
