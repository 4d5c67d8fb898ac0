import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupCatalog, BackupRecord } from './backup-catalog';
import { directorySize } from './base-backup';
import { pgCtlStatus, type PgProcessRunner } from './pg-process';
import { parseLsn, parseSegmentName, segmentNameForLsn, segmentNumber } from './pg-lsn';
import { restoredInstances } from './restore-instance';

/**
 * Retention for a local source's base backups and WAL archive: keep the newest N valid backups,
 * delete older backups, and delete the archived WAL that only they needed.
 *
 * What is kept, always: every backup from the oldest kept one on (invalid ones included: a later
 * re-verification may pass), every archive file on another timeline than the oldest kept backup's,
 * every `.history` file, and on that timeline everything from the segment holding the oldest kept
 * backup's start LSN on. So every kept backup can still be verified (`pg_verifybackup -w`) and
 * replayed to the newest archived transaction, and the restorable window starts at the oldest
 * kept backup's end. `pg_archivecleanup` is not used: it compares segment names without their
 * timeline and would delete older-numbered segments of every timeline.
 */

export interface RetentionInput {
  /** The catalog's records, in any order. */
  backups: BackupRecord[];
  /** How many valid backups to keep (at least 1). */
  keep: number;
  /** File names in the WAL archive directory. */
  archiveFiles: string[];
  /** The archive's segment size in bytes; undefined (no complete segment yet) deletes no WAL. */
  segSize: number | undefined;
  /** Names in the backup directory (catalog.json, backups, leftovers of interrupted work). */
  backupDirEntries: string[];
}

export interface RetentionPlan {
  /** The oldest backup kept; undefined when there is no valid backup (nothing is deleted then). */
  oldestKept?: BackupRecord;
  /** Records that stay in the catalog, oldest first. */
  keep: BackupRecord[];
  /** Records to drop from the catalog (before their directories are deleted), oldest first. */
  removeBackups: BackupRecord[];
  /** Directories under the backup directory to delete: the dropped backups' and older leftovers. */
  removeDirs: string[];
  /** The first segment kept on the oldest kept backup's timeline (segments before it go). */
  firstKeptSegment?: string;
  /** Archive files to delete, in name order. */
  removeWal: string[];
}

/** A backup directory as takeBaseBackup names it (`base-20240501T100000Z-a1b2c3`, `.partial` while copying). */
const BACKUP_DIR = /^base-(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z-[0-9a-f]{6}(?:\.partial)?$/;
/** A segment, a segment kept from an old timeline at promotion, or a backup history file. */
const WAL_FILE = /^([0-9A-F]{24})(?:\.partial|\.[0-9A-F]{8}\.backup)?$/;

function byAge(a: BackupRecord, b: BackupRecord): number {
  const t = Date.parse(a.finishedAt) - Date.parse(b.finishedAt);
  if (t !== 0) return t;
  if (a.timeline !== b.timeline) return a.timeline - b.timeline;
  const la = parseLsn(a.startLsn);
  const lb = parseLsn(b.startLsn);
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** A directory name the catalog may point at: one path component, nothing that leaves backupDir. */
function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\]/.test(name);
}

/** Decides what retention deletes; reads nothing and deletes nothing. */
export function planRetention(input: RetentionInput): RetentionPlan {
  if (!Number.isInteger(input.keep) || input.keep < 1) throw new Error(`backup retention must keep at least 1 backup, got ${input.keep}`);
  const all = input.backups.slice().sort(byAge);
  const valid = all.filter((b) => b.valid);
  const oldestKept = valid[Math.max(0, valid.length - input.keep)];
  if (!oldestKept) return { keep: all, removeBackups: [], removeDirs: [], removeWal: [] };
  const cut = all.indexOf(oldestKept);
  const removeBackups = all.slice(0, cut);
  const keep = all.slice(cut);
  const newest = all[all.length - 1];
  if (!newest || removeBackups.includes(newest)) throw new Error('backup retention would delete the newest backup');

  const keptDirs = new Set(keep.map((b) => b.dir));
  const removeDirs = new Set<string>();
  // Only what takeBaseBackup names: a catalog entry cannot point the prune at anything else.
  for (const b of removeBackups) if (isPlainName(b.dir) && BACKUP_DIR.test(b.dir) && !keptDirs.has(b.dir)) removeDirs.add(b.dir);
  // Leftovers of an interrupted prune or a crashed backup: in no catalog record, and started
  // (by their name, to the second) before the oldest kept backup, so never a backup under way.
  const catalogued = new Set(all.map((b) => b.dir));
  const keptStartSecond = Math.floor(Date.parse(oldestKept.startedAt) / 1000) * 1000;
  for (const name of input.backupDirEntries) {
    const m = BACKUP_DIR.exec(name);
    if (!m || catalogued.has(name)) continue;
    const started = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    if (started < keptStartSecond) removeDirs.add(name);
  }

  if (input.segSize === undefined) return { oldestKept, keep, removeBackups, removeDirs: [...removeDirs].sort(), removeWal: [] };
  const tli = oldestKept.timeline;
  // The lowest start of any kept backup on that timeline, not the oldest one's by wall clock: a
  // clock stepped back could order them otherwise, and no kept backup may lose its WAL.
  const starts = keep.filter((b) => b.timeline === tli).map((b) => parseLsn(b.startLsn));
  const lowest = starts.reduce((a, b) => (b < a ? b : a), parseLsn(oldestKept.startLsn));
  const cutoff = segmentNumber(lowest, input.segSize);
  const removeWal: string[] = [];
  for (const name of input.archiveFiles) {
    const m = WAL_FILE.exec(name);
    const seg = m?.[1] ? parseSegmentName(m[1], input.segSize) : undefined;
    if (seg && seg.tli === tli && seg.segno < cutoff) removeWal.push(name);
  }
  return {
    oldestKept,
    keep,
    removeBackups,
    removeDirs: [...removeDirs].sort(),
    firstKeptSegment: segmentNameForLsn(tli, parseLsn(oldestKept.startLsn), input.segSize),
    removeWal: removeWal.sort(),
  };
}

export interface PruneOptions {
  catalog: BackupCatalog;
  archiveDir: string;
  keep: number;
  /** The archive's segment size (WalArchive.segmentSize). */
  segmentSize: () => Promise<number | undefined>;
  /**
   * Why pruning must not run now (e.g. a restore may be reading an older backup or its WAL), or
   * undefined. Asked before anything is read and again after the catalog changed: a run that
   * started in between may have chosen a backup that is about to go, so its files then stay
   * (the next prune deletes them as leftovers).
   */
  busy: () => Promise<string | undefined>;
}

export type PruneResult =
  | { state: 'skipped'; reason: string }
  | {
      state: 'pruned';
      plan: RetentionPlan;
      /** Directories and archive files actually deleted. */
      removedDirs: string[];
      removedWal: string[];
      freedBytes: number;
      /** Set when the catalog was changed but the files were left because `busy` said so. */
      deferred?: string;
    };

async function askBusy(busy: PruneOptions['busy']): Promise<string | undefined> {
  try {
    return await busy();
  } catch (err) {
    return `could not tell whether a restore is under way (${(err as Error).message})`;
  }
}

/**
 * Applies planRetention: drops the old records from the catalog in one atomic write, then deletes
 * their directories, then the WAL before the oldest kept backup's start segment. Refuses to start
 * while `busy` names a reason. Throws only on I/O failures; the caller logs them.
 */
export async function pruneBackups(o: PruneOptions): Promise<PruneResult> {
  const before = await askBusy(o.busy);
  if (before) return { state: 'skipped', reason: before };
  const backupDir = o.catalog.backupDir;
  const [backups, archiveFiles, backupDirEntries, segSize] = await Promise.all([
    o.catalog.list(),
    readdir(o.archiveDir).catch(missingAsEmpty),
    readdir(backupDir).catch(missingAsEmpty),
    o.segmentSize(),
  ]);
  const plan = planRetention({ backups, keep: o.keep, archiveFiles, segSize, backupDirEntries });
  if (plan.removeBackups.length > 0) await o.catalog.remove(plan.removeBackups.map((b) => b.id));
  if (plan.removeBackups.length > 0) {
    const after = await askBusy(o.busy);
    if (after) return { state: 'pruned', plan, removedDirs: [], removedWal: [], freedBytes: 0, deferred: after };
  }
  let freedBytes = 0;
  const removedDirs: string[] = [];
  for (const name of plan.removeDirs) {
    const path = join(backupDir, name);
    freedBytes += await directorySize(path).catch(() => 0);
    await rm(path, { recursive: true, force: true });
    removedDirs.push(name);
  }
  const removedWal: string[] = [];
  for (const name of plan.removeWal) {
    const path = join(o.archiveDir, name);
    const size = await stat(path).then((s) => s.size, () => undefined);
    if (size === undefined) continue;
    await rm(path, { force: true });
    freedBytes += size;
    removedWal.push(name);
  }
  return { state: 'pruned', plan, removedDirs, removedWal, freedBytes };
}

function missingAsEmpty(err: NodeJS.ErrnoException): string[] {
  if (err.code === 'ENOENT') return [];
  throw err;
}

/**
 * Rewind's restored clusters under `restoreRoot` that still need the archive: not yet available
 * by their marker, or running with recovery.signal (they read WAL through restore_command).
 */
export async function recoveringRestores(runner: PgProcessRunner, restoreRoot: string): Promise<string[]> {
  const out: string[] = [];
  for (const { inst, marker } of await restoredInstances(restoreRoot)) {
    // Not yet available (copying a backup, or replaying, running or stopped): it still reads the
    // archive, now or when its run is resumed.
    if (marker.phase !== 'available') out.push(inst.name);
    else if (existsSync(join(inst.dataDir, 'recovery.signal')) && (await pgCtlStatus(runner, inst.dataDir)) === 'running') out.push(inst.name);
  }
  return out.sort();
}
