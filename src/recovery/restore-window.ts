import type { BackupInfo, RestorableWindow, RestoreTarget } from '../providers/ports';

function utc(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

export function describeWindow(w: RestorableWindow): string {
  return `${utc(w.earliest)} to ${utc(w.latest)}`;
}

/** Why a target cannot be restored from this window, or undefined when it can. Pure. */
export function checkTargetInWindow(target: RestoreTarget, window: RestorableWindow, backups: BackupInfo[]): { code: string; message: string } | undefined {
  if (target.kind === 'time') {
    if (target.at < window.earliest) {
      return { code: 'TARGET_BEFORE_WINDOW', message: `${utc(target.at)} is before the earliest restorable time. The restorable window is ${describeWindow(window)}; pick a time inside it.` };
    }
    if (target.at > window.latest) {
      return { code: 'TARGET_AFTER_WINDOW', message: `${utc(target.at)} is after the latest restorable time. The restorable window is ${describeWindow(window)}; pick a time inside it, or restore latest.` };
    }
  }
  if (target.kind === 'backup') {
    const b = backups.find((x) => x.id === target.backupId);
    if (!b) return { code: 'BACKUP_NOT_FOUND', message: `There is no backup ${target.backupId}. /dr backups lists the restorable ones.` };
    if (!b.valid) return { code: 'BACKUP_INVALID', message: `Backup ${target.backupId} failed verification${b.note ? ` (${b.note})` : ''}; choose another from /dr backups.` };
  }
  return undefined;
}
