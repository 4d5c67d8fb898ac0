import type { BackupRecord } from '../../../../src/providers/local/backup-catalog';
import { planRetention, type RetentionInput } from '../../../../src/providers/local/backup-retention';

const MB = 1 << 20;

/** A backup starting in 1 MB segment `seg` (0x28 into it), finished `min` minutes after 10:00. */
function backup(n: number, seg: number, min: number, patch: Partial<BackupRecord> = {}): BackupRecord {
  const start = new Date(Date.UTC(2024, 4, 1, 10, min, 0));
  const id = `base-20240501T10${String(min).padStart(2, '0')}00Z-00000${n}`;
  const lsn = BigInt(seg) * BigInt(MB) + 0x28n;
  return {
    id,
    dir: id,
    timeline: 1,
    startLsn: `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`,
    endLsn: `${(lsn >> 32n).toString(16).toUpperCase()}/${((lsn & 0xffffffffn) + 0x100n).toString(16).toUpperCase()}`,
    startedAt: start.toISOString(),
    finishedAt: new Date(start.getTime() + 5000).toISOString(),
    sizeBytes: 32e6,
    manifestSha256: 'x',
    valid: true,
    verifiedAt: start.toISOString(),
    ...patch,
  };
}

const seg = (tli: number, n: number) => `${tli.toString(16).padStart(8, '0')}${Math.floor(n / 4096).toString(16).padStart(8, '0')}${(n % 4096).toString(16).padStart(8, '0')}`.toUpperCase();

function input(backups: BackupRecord[], keep: number, archiveFiles: string[], backupDirEntries = backups.map((b) => b.dir)): RetentionInput {
  return { backups, keep, archiveFiles, segSize: MB, backupDirEntries: ['catalog.json', ...backupDirEntries] };
}

describe('planRetention', () => {
  // Five valid backups starting in segments 0x10, 0x20, 0x30, 0x40, 0x50, every 30 minutes.
  const five = [backup(1, 0x10, 0), backup(2, 0x20, 30), backup(3, 0x30, 60), backup(4, 0x40, 90), backup(5, 0x50, 120)];
  const segments = Array.from({ length: 0x58 }, (_, i) => seg(1, i + 1));

  it('keeps the newest N valid backups and deletes older backups and the WAL before the oldest kept start segment', () => {
    const shuffled = [five[3], five[0], five[4], five[2], five[1]] as BackupRecord[];
    const plan = planRetention(input(shuffled, 3, segments));
    expect(plan.oldestKept?.id).toBe(five[2]?.id);
    expect(plan.keep.map((b) => b.id)).toEqual(five.slice(2).map((b) => b.id));
    expect(plan.removeBackups.map((b) => b.id)).toEqual(five.slice(0, 2).map((b) => b.id));
    expect(plan.removeDirs).toEqual(five.slice(0, 2).map((b) => b.dir));
    expect(plan.firstKeptSegment).toBe('000000010000000000000030');
    // Segments 0x01..0x2F go, 0x30 (holding the oldest kept start) and later stay.
    expect(plan.removeWal).toEqual(segments.slice(0, 0x2f));
    expect(plan.removeWal).toContain('00000001000000000000002F');
    expect(plan.removeWal).not.toContain('000000010000000000000030');
  });

  it('keeps .history files, other timelines, temporary files and the oldest kept backup history file', () => {
    const files = [
      '00000002.history',
      '00000001.history',
      seg(2, 0x05), // another timeline, numerically old: kept
      `${seg(1, 0x05)}.partial`,
      `${seg(2, 0x06)}.partial`,
      `${seg(1, 0x10)}.00000028.backup`, // backup 1's history file: goes with it
      `${seg(1, 0x30)}.00000028.backup`, // the oldest kept backup's: stays
      `${seg(1, 0x07)}.tmp`, // archive_command still writing: not ours to touch
      'README',
      seg(1, 0x2f),
      seg(1, 0x30),
      seg(1, 0x31),
    ];
    const plan = planRetention(input(five, 3, files));
    expect(plan.removeWal).toEqual([`${seg(1, 0x05)}.partial`, `${seg(1, 0x10)}.00000028.backup`, seg(1, 0x2f)].sort());
  });

  it('never removes the newest backup, and keeps everything when there are no more than N valid backups', () => {
    const plan = planRetention(input(five, 1, segments));
    expect(plan.keep.map((b) => b.id)).toEqual([five[4]?.id]);
    expect(plan.firstKeptSegment).toBe(seg(1, 0x50));

    const all = planRetention(input(five, 5, segments));
    expect(all.removeBackups).toEqual([]);
    expect(all.removeDirs).toEqual([]);
    // WAL from before the first backup was never restorable: it goes.
    expect(all.removeWal).toEqual(segments.slice(0, 0x0f));
    expect(planRetention(input(five, 10, segments)).removeBackups).toEqual([]);
  });

  it('counts only valid backups; invalid ones older than the oldest kept go, newer ones stay', () => {
    const mixed = [backup(1, 0x10, 0), backup(2, 0x20, 30, { valid: false }), backup(3, 0x30, 60), backup(4, 0x40, 90, { valid: false }), backup(5, 0x50, 120)];
    const plan = planRetention(input(mixed, 2, segments));
    expect(plan.oldestKept?.id).toBe(mixed[2]?.id);
    expect(plan.removeBackups.map((b) => b.id)).toEqual([mixed[0]?.id, mixed[1]?.id]);
    expect(plan.keep.map((b) => b.id)).toEqual(mixed.slice(2).map((b) => b.id));
    // The newest backup is invalid: the newest valid one is still kept, and the invalid newest too.
    const brokenNewest = [...five.slice(0, 4), backup(6, 0x60, 150, { valid: false })];
    const p2 = planRetention(input(brokenNewest, 1, segments));
    expect(p2.keep.map((b) => b.id)).toEqual([five[3]?.id, brokenNewest[4]?.id]);
  });

  it('deletes nothing without a valid backup, and no WAL without a known segment size', () => {
    const invalid = five.map((b) => ({ ...b, valid: false }));
    expect(planRetention(input(invalid, 2, segments))).toEqual({ keep: invalid, removeBackups: [], removeDirs: [], removeWal: [] });
    const noSize = planRetention({ ...input(five, 2, segments), segSize: undefined });
    expect(noSize.removeBackups).toHaveLength(3);
    expect(noSize.removeWal).toEqual([]);
  });

  it('deletes leftover directories older than the oldest kept backup, never one newer (a backup under way)', () => {
    const entries = [
      ...five.map((b) => b.dir),
      'base-20240501T095500Z-abcdef', // before backup 1, in no record: a crash leftover
      'base-20240501T095900Z-abcdef.partial',
      'base-20240501T103000Z-fedcba', // 10:30, before the oldest kept backup's 11:00 start: leftover
      'base-20240501T110000Z-aaaaaa', // same second as the oldest kept's start: stays
      'base-20240501T120500Z-bbbbbb.partial', // after: a backup being taken
      'lost+found',
    ];
    const plan = planRetention(input(five, 3, [], entries));
    expect(plan.removeDirs).toEqual(
      [five[0]?.dir, five[1]?.dir, 'base-20240501T095500Z-abcdef', 'base-20240501T095900Z-abcdef.partial', 'base-20240501T103000Z-fedcba'].sort(),
    );
  });

  it('never deletes outside the backup directory, whatever the catalog says', () => {
    const evil = [backup(1, 0x10, 0, { dir: '../wal-archive' }), backup(2, 0x20, 30, { dir: '/etc' }), ...five.slice(2)];
    const plan = planRetention(input(evil, 3, []));
    expect(plan.removeBackups).toHaveLength(2);
    expect(plan.removeDirs).toEqual([]);
    // a sibling that is not a backup directory (the catalog itself, say) is not deleted either
    const sibling = planRetention(input([backup(1, 0x10, 0, { dir: 'catalog.json' }), ...five.slice(1)], 4, []));
    expect(sibling.removeBackups).toHaveLength(1);
    expect(sibling.removeDirs).toEqual([]);
  });

  it('keeps the WAL of every kept backup even when their clock order and WAL order disagree', () => {
    // the clock stepped back: backup 4 finished "before" backup 3 by the clock, yet starts later in the WAL,
    // and backup 3 (kept) starts in segment 0x30 while the oldest kept by the clock starts in 0x40
    const skewed = [five[0], five[1], backup(3, 0x30, 100), backup(4, 0x40, 70), five[4]] as BackupRecord[];
    const plan = planRetention(input(skewed, 3, segments));
    expect(plan.keep.map((b) => b.startLsn).sort()).toEqual([five[4], skewed[2], skewed[3]].map((b) => b?.startLsn).sort());
    expect(plan.removeWal).not.toContain('000000010000000000000030');
    expect(plan.removeWal).toContain('00000001000000000000002F');
  });

  it('computes segment names across the 4 GB boundary of a 1 MB segment archive', () => {
    const high = [backup(1, 4000, 0), backup(2, 4097, 30)];
    const files = [seg(1, 4094), seg(1, 4095), seg(1, 4096), seg(1, 4097), seg(1, 4098)];
    expect(files[2]).toBe('000000010000000100000000');
    const plan = planRetention(input(high, 1, files));
    expect(plan.firstKeptSegment).toBe('000000010000000100000001');
    expect(plan.removeWal).toEqual(files.slice(0, 3));
  });

  it('refuses to keep fewer than one backup', () => {
    expect(() => planRetention(input(five, 0, segments))).toThrow(/at least 1/);
    expect(() => planRetention(input(five, 1.5, segments))).toThrow(/at least 1/);
  });
});
