import type { RestorableWindow } from '../ports';
import type { BackupRecord } from './backup-catalog';
import { microsToDateCeil } from './pg-time';
import type { XactRecord } from './wal-archive';

export interface LocalWindow extends RestorableWindow {
  /** The newest archived commit/abort, exact to the microsecond, when there is one. */
  lastTransaction?: XactRecord;
}

/**
 * earliest = the end of the oldest valid backup (no earlier state is reachable);
 * latest = the newest archived transaction (rounded up to the millisecond, so the Date still
 * includes it), or the newest valid backup's end if nothing committed after it.
 * Undefined when there is no valid backup.
 */
export function restorableWindow(backups: BackupRecord[], lastTransaction: XactRecord | undefined): LocalWindow | undefined {
  const valid = backups.filter((b) => b.valid).map((b) => Date.parse(b.finishedAt));
  if (valid.length === 0) return undefined;
  const earliest = new Date(Math.min(...valid));
  const newestBackup = Math.max(...valid);
  const lastMs = lastTransaction ? microsToDateCeil(lastTransaction.at).getTime() : -Infinity;
  return {
    earliest,
    latest: new Date(Math.max(newestBackup, lastMs)),
    ...(lastTransaction ? { lastTransaction } : {}),
  };
}

/** "from 2024-05-01T10:00:00.000Z to 2024-05-01T10:02:00.124Z (UTC)" for user messages. */
export function describeWindow(window: RestorableWindow | undefined): string {
  if (!window) return 'there is no restorable window yet (no valid base backup)';
  return `the restorable window is ${window.earliest.toISOString()} to ${window.latest.toISOString()} (UTC)`;
}
