import type { RestorableWindow } from '../ports';
import type { BackupRecord } from './backup-catalog';
import { microsToDateCeil } from './pg-time';
import type { XactRecord } from './wal-archive';

export interface LocalWindow extends RestorableWindow {
  /** The newest commit/abort reachable from the newest valid backup, to the microsecond. */
  lastTransaction?: XactRecord;
  /** A segment missing after the newest valid backup: nothing after it is reachable. */
  gap?: { segment: string; archiveLastTransaction?: XactRecord };
}

/**
 * earliest = the end of the oldest valid backup (no earlier state is reachable);
 * latest = the newest archived transaction (rounded up to the millisecond, so the Date still
 * includes it), or the newest valid backup's end if nothing committed after it.
 * Undefined when there is no valid backup.
 */
export function restorableWindow(backups: BackupRecord[], lastTransaction: XactRecord | undefined, gap?: LocalWindow['gap']): LocalWindow | undefined {
  const valid = backups.filter((b) => b.valid).map((b) => Date.parse(b.finishedAt));
  if (valid.length === 0) return undefined;
  const earliest = new Date(Math.min(...valid));
  const newestBackup = Math.max(...valid);
  const lastMs = lastTransaction ? microsToDateCeil(lastTransaction.at).getTime() : -Infinity;
  return {
    earliest,
    latest: new Date(Math.max(newestBackup, lastMs)),
    ...(lastTransaction ? { lastTransaction } : {}),
    ...(gap ? { gap } : {}),
  };
}

/** "the restorable window is 2024-05-01T10:00:00.000Z to 2024-05-01T10:02:00.124Z (UTC)" for user messages. */
export function describeWindow(window: LocalWindow | RestorableWindow | undefined): string {
  if (!window) return 'there is no restorable window yet (no valid base backup)';
  const gap = 'gap' in window && window.gap ? ` (it ends before WAL segment ${window.gap.segment}, which is missing from the archive)` : '';
  return `the restorable window is ${window.earliest.toISOString()} to ${window.latest.toISOString()} (UTC)${gap}`;
}
