import type { RestoreTarget } from '../ports';
import type { BackupCatalog, BackupRecord } from './backup-catalog';
import { verifyBaseBackup } from './base-backup';
import {
  backupCorrupt,
  backupNotFound,
  noValidBackup,
  targetAfterLatestCommit,
  targetBeforeOldestBackup,
  timelineUnsupported,
  walGap,
} from './local-errors';
import type { PgProcessRunner } from './pg-process';
import { formatLsn, parseLsn, segmentNumber, segmentStart } from './pg-lsn';
import { dateToMicros, type Micros } from './pg-time';
import { timeTargetSettings, type ReplayExpectation } from './replay-log';
import type { SettingValue } from './pg-settings';
import { restorableWindow, type LocalWindow } from './restorable-window';
import type { WalArchive } from './wal-archive';
import { RewindError } from '../../recovery/errors';

export interface LikelyPlan {
  backup: BackupRecord;
  /** The recovery_target_* settings the plan will most likely use, when the window tells. */
  targetSettings?: Record<string, SettingValue>;
}

export interface RestorePlan {
  backup: BackupRecord;
  expectation: ReplayExpectation;
  /** Said loudly to the user: e.g. the newest backup was corrupt and an older one is used. */
  warnings: string[];
  window: LocalWindow;
}

/**
 * Decides, before anything is copied, which backup to restore and where replay must stop, and
 * refuses targets that would give a wrong or silently short result: outside the window, across
 * a WAL gap, or only reachable through a corrupt backup.
 */
export class RestorePlanner {
  constructor(
    private readonly runner: PgProcessRunner,
    private readonly catalog: BackupCatalog,
    private readonly archive: WalArchive,
  ) {}

  async window(): Promise<{ backups: BackupRecord[]; window?: LocalWindow }> {
    const backups = await this.catalog.list();
    const valid = backups.filter((b) => b.valid);
    const oldest = valid[0];
    const newest = valid[valid.length - 1];
    if (!oldest || !newest) return { backups };
    const missing = await this.archive.firstMissingSegment(newest.timeline, parseLsn(newest.startLsn));
    const last = await this.archive.latestTransaction(newest.timeline, parseLsn(oldest.startLsn), missing);
    if (!missing) return { backups, window: restorableWindow(backups, last) };
    const archiveLast = await this.archive.latestTransaction(newest.timeline, parseLsn(oldest.startLsn));
    return { backups, window: restorableWindow(backups, last, { segment: missing, ...(archiveLast ? { archiveLastTransaction: archiveLast } : {}) }) };
  }

  /**
   * What `plan` will most likely decide, from the catalog and the window alone (no verification,
   * no WAL read), after the same cheap refusals `plan` makes: the backup, and for a time inside
   * the window the recovery target settings too. Lets the caller copy and even start replaying
   * while `plan` checks; the caller must compare with the real plan. Undefined when only `plan`
   * can tell.
   */
  async likely(target: RestoreTarget): Promise<LikelyPlan | undefined> {
    const { backups, window } = await this.window();
    if (!window) throw noValidBackup();
    const validNewestFirst = backups.filter((b) => b.valid).reverse();
    refuseOutsideWindow(target, window, validNewestFirst);
    switch (target.kind) {
      case 'time': {
        const backup = validNewestFirst.find((b) => Date.parse(b.finishedAt) <= target.at.getTime());
        if (!backup) return undefined;
        const at = dateToMicros(target.at);
        // Before the last archived transaction, plan stops "before the first commit after at".
        const last = window.lastTransaction;
        return { backup, ...(last && at < last.at ? { targetSettings: timeTargetSettings(at) } : {}) };
      }
      case 'latest':
        return validNewestFirst[0] ? { backup: validNewestFirst[0] } : undefined;
      case 'backup': {
        const named = backups.find((b) => b.id === target.backupId && b.valid);
        return named ? { backup: named } : undefined;
      }
    }
  }

  async plan(target: RestoreTarget): Promise<RestorePlan> {
    const { backups, window } = await this.window();
    if (!window) throw noValidBackup();
    const validNewestFirst = backups.filter((b) => b.valid).reverse();
    switch (target.kind) {
      case 'time': {
        refuseOutsideWindow(target, window, validNewestFirst);
        const candidates = validNewestFirst.filter((b) => Date.parse(b.finishedAt) <= target.at.getTime());
        return this.planToTime(dateToMicros(target.at), candidates, window, target.at);
      }
      case 'latest': {
        refuseOutsideWindow(target, window, validNewestFirst);
        const at = window.lastTransaction?.at ?? dateToMicros(window.latest);
        return this.planToTime(at, validNewestFirst, window, window.latest);
      }
      case 'backup':
        return this.planToBackup(target.backupId, backups, window);
    }
  }

  private async planToTime(at: Micros, candidates: BackupRecord[], window: LocalWindow, shownTarget: Date): Promise<RestorePlan> {
    const warnings: string[] = [];
    const problems: string[] = [];
    for (const backup of candidates) {
      // Verifying the backup and reading the WAL are independent; the scan's verdict only counts
      // for a backup that verified.
      const scan = this.assertSingleTimeline(backup).then(() => this.expectationForTime(backup, at, window));
      scan.catch(() => undefined);
      if (!(await this.verified(backup, warnings, problems))) continue;
      const expectation = await scan;
      if (expectation === 'backup-too-late') continue;
      if (warnings.length > 0) warnings.push(`Restoring from the older backup ${backup.id} (finished ${backup.finishedAt}) instead; replay takes longer.`);
      return { backup, expectation, warnings, window };
    }
    const current = (await this.window()).window;
    if (problems.length > 0) throw backupCorrupt(problems, current);
    throw targetBeforeOldestBackup(shownTarget, current);
  }

  private async planToBackup(id: string, backups: BackupRecord[], window: LocalWindow): Promise<RestorePlan> {
    const named = backups.find((b) => b.id === id);
    if (!named) throw backupNotFound(id, backups.map((b) => b.id));
    const warnings: string[] = [];
    const problems: string[] = [];
    if (await this.verified(named, warnings, problems)) {
      await this.assertSingleTimeline(named);
      return { backup: named, expectation: { kind: 'consistency' }, warnings, window };
    }
    // The same state is reachable from an older backup by replaying WAL up to the named one's end.
    const older = backups.filter((b) => b.valid && b.id !== id && Date.parse(b.finishedAt) < Date.parse(named.finishedAt)).reverse();
    for (const backup of older) {
      if (!(await this.verified(backup, warnings, problems))) continue;
      await this.assertSingleTimeline(backup);
      const scan = await this.archive.scan({ tli: backup.timeline, start: parseLsn(backup.startLsn), end: parseLsn(named.endLsn) });
      if (!scan.ok) throw walGap(scan.segment, scan.reason, backup.id, window);
      warnings.push(`Restoring from the older backup ${backup.id} and replaying WAL to ${named.endLsn}, the end of ${named.id}: same data, longer replay.`);
      return { backup, expectation: { kind: 'before-lsn', lsn: named.endLsn }, warnings, window };
    }
    throw backupCorrupt(problems, (await this.window()).window);
  }

  /** Re-verifies before use: a backup can rot after it was taken. A failure is recorded and said. */
  private async verified(backup: BackupRecord, warnings: string[], problems: string[]): Promise<boolean> {
    const check = await verifyBaseBackup(this.runner, this.catalog.backupDir, backup, this.archive.dir);
    const verifiedAt = new Date().toISOString();
    if (check.ok) {
      await this.catalog.update(backup.id, { valid: true, verifiedAt });
      return true;
    }
    await this.catalog.update(backup.id, { valid: false, verifiedAt, note: check.problem });
    warnings.push(`Backup ${backup.id} (finished ${backup.finishedAt}) failed verification and was skipped: ${check.problem}.`);
    problems.push(`${backup.id}: ${check.problem}`);
    return false;
  }

  private async assertSingleTimeline(backup: BackupRecord): Promise<void> {
    const newest = await this.archive.newestTimeline();
    if (newest > backup.timeline) throw timelineUnsupported(backup.id, backup.timeline, newest);
  }

  /**
   * Finds the first commit/abort after `at` by reading the archive from the backup's start:
   * proves the WAL is continuous up to it, and tells exactly where replay must stop. When `at`
   * is at or after the last archived transaction, replay stops right after that transaction.
   */
  private async expectationForTime(backup: BackupRecord, at: Micros, window: LocalWindow): Promise<ReplayExpectation | 'backup-too-late'> {
    const tli = backup.timeline;
    const start = parseLsn(backup.startLsn);
    const end = parseLsn(backup.endLsn);
    const last = window.lastTransaction;
    if (!last || at >= last.at) {
      if (!last || last.lsn < end) return { kind: 'consistency' };
      const size = (await this.archive.segmentSize()) ?? 16 << 20;
      const scan = await this.archive.scan({ tli, start, end: segmentStart(segmentNumber(last.lsn, size) + 1n, size) });
      if (!scan.ok) throw walGap(scan.segment, scan.reason, backup.id, window);
      return { kind: 'after-lsn', lsn: formatLsn(last.lsn), lastTransactionAt: last.at.toString() };
    }
    const scan = await this.archive.scan({ tli, start, stopWhen: (rec) => rec.at > at });
    if (!scan.ok) throw walGap(scan.segment, scan.reason, backup.id, window);
    const stop = scan.stoppedAt;
    if (!stop) {
      throw new RewindError({
        code: 'ARCHIVE_CHANGED',
        userMessage: 'The WAL archive changed while the restore was being planned (its last transaction is gone). Check the archive and retry.',
        retryable: true,
      });
    }
    if (stop.lsn < end) return 'backup-too-late';
    return { kind: 'time', target: at.toString(), stopBefore: { xid: stop.xid, kind: stop.kind, at: stop.at.toString(), lsn: formatLsn(stop.lsn) } };
  }
}

/** The refusals that need only the window: a time outside it, or restoring across a WAL gap. */
function refuseOutsideWindow(target: RestoreTarget, window: LocalWindow, validNewestFirst: BackupRecord[]): void {
  const newest = validNewestFirst[0]?.id ?? '?';
  if (target.kind === 'latest') {
    // Restoring "latest" across a hole would quietly lose the WAL after it: refuse, say where.
    if (window.gap) throw walGap(window.gap.segment, 'missing from the archive', newest, window);
    return;
  }
  if (target.kind !== 'time') return;
  if (target.at.getTime() < window.earliest.getTime()) throw targetBeforeOldestBackup(target.at, window);
  if (target.at.getTime() > window.latest.getTime()) {
    const archiveLast = window.gap?.archiveLastTransaction;
    if (window.gap && archiveLast && dateToMicros(target.at) <= archiveLast.at + 999n) throw walGap(window.gap.segment, 'missing from the archive', newest, window);
    throw targetAfterLatestCommit(target.at, window);
  }
}
