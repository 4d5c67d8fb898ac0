import { RewindError } from '../../recovery/errors';
import type { RestorableWindow } from '../ports';
import { describeWindow, type LocalWindow } from './restorable-window';

/**
 * The errors this provider raises on purpose. Each message says what was wrong, shows the
 * restorable window in UTC, and what to do next.
 */
export function targetBeforeOldestBackup(target: Date, window: RestorableWindow | undefined): RewindError {
  return new RewindError({
    code: 'TARGET_BEFORE_OLDEST_BACKUP',
    userMessage: `Cannot restore to ${target.toISOString()}: it is before the oldest valid base backup finished, so no backup can reach it; ${describeWindow(window)}. Pick a time inside the window.`,
    detail: { target: target.toISOString(), ...windowDetail(window) },
  });
}

export function targetAfterLatestCommit(target: Date, window: RestorableWindow | undefined): RewindError {
  return new RewindError({
    code: 'TARGET_AFTER_LATEST_COMMIT',
    userMessage: `Cannot restore to ${target.toISOString()}: it is after the last transaction in the WAL archive, so that state is not recoverable yet; ${describeWindow(window)}. Pick a time at or before ${window?.latest.toISOString() ?? 'the latest restorable time'}, restore "latest", or wait for archiving (archive_timeout) and retry.`,
    retryable: true,
    detail: { target: target.toISOString(), ...windowDetail(window) },
  });
}

export function walGap(segment: string, reason: string, from: string, window: LocalWindow | undefined): RewindError {
  return new RewindError({
    code: 'WAL_GAP',
    userMessage: `Cannot restore: WAL segment ${segment} is ${reason}, and replay from backup ${from} to the target must pass through it (recovery would silently stop there, short of the target); ${describeWindow(window)}. Put the segment back into the archive, pick a time before it, or take a new base backup so that later times become reachable.`,
    detail: { segment, reason, backupId: from, ...windowDetail(window) },
  });
}

export function backupCorrupt(problems: string[], window: RestorableWindow | undefined): RewindError {
  return new RewindError({
    code: 'BACKUP_CORRUPT',
    userMessage: `Cannot restore: every base backup that could reach the target failed verification (${problems.join('; ')}); ${describeWindow(window)}. Take a new base backup, or pick a time that a valid backup covers.`,
    detail: { problems, ...windowDetail(window) },
  });
}

export function noValidBackup(): RewindError {
  return new RewindError({
    code: 'NO_VALID_BACKUP',
    userMessage: 'Cannot restore: there is no valid base backup for this database yet. Take one (takeBackup / the backup schedule) and try again.',
  });
}

export function backupNotFound(id: string, known: string[]): RewindError {
  return new RewindError({
    code: 'BACKUP_NOT_FOUND',
    userMessage: `There is no base backup "${id}". Known backups: ${known.join(', ') || 'none'}.`,
  });
}

export function timelineUnsupported(backupId: string, backupTli: number, newestTli: number): RewindError {
  return new RewindError({
    code: 'TIMELINE_SWITCH',
    userMessage: `Cannot restore from backup ${backupId}: it is on timeline ${backupTli} but the archive holds timeline ${newestTli} (the source was promoted or restored into this archive). This provider replays one timeline; take a new base backup on timeline ${newestTli}.`,
  });
}

export function restoreNameTaken(name: string, why: string): RewindError {
  return new RewindError({
    code: 'RESTORE_NAME_TAKEN',
    userMessage: `Cannot restore into "${name}": ${why}. Rewind never reuses or overwrites what it did not create with the same request; choose another name or remove it.`,
  });
}

export function notCreatedByRewind(name: string, why: string): RewindError {
  return new RewindError({
    code: 'NOT_CREATED_BY_REWIND',
    userMessage: `Refusing to delete "${name}": ${why}. Rewind only deletes clusters it created for this run; remove it by hand if it is really unwanted.`,
  });
}

export function restoreStartFailed(name: string, output: string): RewindError {
  return new RewindError({
    code: 'RESTORE_START_FAILED',
    userMessage: `The restored cluster "${name}" did not start: ${output}`,
    retryable: true,
  });
}

function windowDetail(window: RestorableWindow | undefined): Record<string, string> {
  return window ? { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() } : {};
}

export function recoveryStoppedShort(name: string, what: string): RewindError {
  return new RewindError({
    code: 'RECOVERY_STOPPED_SHORT',
    userMessage: `The restored cluster "${name}" promoted short of the target: ${what}. Its data is incomplete and must not be used; discard it, check the WAL archive for missing or corrupt segments, and restore again.`,
  });
}
