import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupRecord } from '../../../../src/providers/local/backup-catalog';
import { directorySize, verifyBaseBackup } from '../../../../src/providers/local/base-backup';
import { pruneBackups, type PruneOptions } from '../../../../src/providers/local/backup-retention';
import { parseLsn, segmentNameForLsn } from '../../../../src/providers/local/pg-lsn';
import { microsToDate } from '../../../../src/providers/local/pg-time';
import { commitRow, createFixture, expectRewindError, pollUntilSettled, queryEndpoint, sleep, type CommittedRow, type LocalFixture } from './local-fixture';

// The demo's source in small: 1 MB segments, several real base backups with WAL in between,
// pruned to the newest N; a point-in-time restore after the oldest kept backup still works.

const MB = 1 << 20;

describe('local-postgres provider: backup retention', () => {
  let fx: LocalFixture;
  const records: BackupRecord[] = [];
  const rows: CommittedRow[] = [];
  /** Two commits after the third backup, the target between them. */
  let target: Date;
  let archiveAtStart: string[];
  let bytesAtStart: { archive: number; backups: number };

  const prune = (keep: number, busy: PruneOptions['busy'] = async () => undefined) =>
    pruneBackups({ catalog: fx.provider.catalog, archiveDir: fx.archiveDir, keep, segmentSize: () => fx.provider.archive.segmentSize(), busy });
  const sizes = async () => ({ archive: await directorySize(fx.archiveDir), backups: await directorySize(fx.backupDir) });

  beforeAll(async () => {
    fx = await createFixture('retain', { initdbArgs: ['--wal-segsize=1'] });
    await fx.source.query('CREATE TABLE filler (pad text)');
    for (let i = 1; i <= 4; i++) {
      rows.push(await commitRow(fx.source, `before-backup-${i}`));
      // About 3 MB of WAL, so each backup starts a few segments after the previous one.
      await fx.source.query("INSERT INTO filler SELECT repeat('x', 500) FROM generate_series(1, 5000)");
      await fx.source.switchWalAndWaitArchived();
      const info = await fx.provider.takeBackup();
      const rec = await fx.provider.catalog.get(info.id);
      if (!rec?.valid) throw new Error(`backup ${info.id} is not valid: ${rec?.note ?? 'missing'}`);
      records.push(rec);
      if (i === 3) {
        await sleep(30);
        const a = await commitRow(fx.source, 'after-backup-3-a');
        await sleep(60);
        const b = await commitRow(fx.source, 'after-backup-3-b');
        rows.push(a, b);
        target = microsToDate((a.committedAt + b.committedAt) / 2n);
      }
      await sleep(1100); // backup ids and leftover detection work to the second
    }
    rows.push(await commitRow(fx.source, 'after-backup-4'));
    await fx.source.switchWalAndWaitArchived();
    archiveAtStart = (await readdir(fx.archiveDir)).sort();
    bytesAtStart = await sizes();
  }, 120_000);

  afterAll(async () => {
    await fx?.cleanup();
  });

  it('deletes nothing while busy says a restore may be reading', async () => {
    const res = await prune(1, async () => 'run r-1 of demo-db is running');
    expect(res).toEqual({ state: 'skipped', reason: 'run r-1 of demo-db is running' });
    const broken = await prune(1, async () => {
      throw new Error('store down');
    });
    expect(broken).toMatchObject({ state: 'skipped', reason: expect.stringContaining('store down') });
    expect((await fx.provider.catalog.list()).map((b) => b.id)).toEqual(records.map((b) => b.id));
    expect((await readdir(fx.archiveDir)).sort()).toEqual(archiveAtStart);
    for (const r of records) expect(existsSync(join(fx.backupDir, r.dir))).toBe(true);
  });

  it('drops the catalog entry first; a run starting meanwhile leaves the files to the next prune', async () => {
    let asked = 0;
    const res = await prune(3, async () => (++asked === 1 ? undefined : 'run r-2 of demo-db is planned'));
    expect(res).toMatchObject({ state: 'pruned', removedDirs: [], removedWal: [], deferred: 'run r-2 of demo-db is planned' });
    expect((await fx.provider.catalog.list()).map((b) => b.id)).toEqual(records.slice(1).map((b) => b.id));
    expect(existsSync(join(fx.backupDir, records[0]?.dir ?? '?'))).toBe(true);
    expect((await readdir(fx.archiveDir)).sort()).toEqual(archiveAtStart);
  });

  it('keeps the newest N backups, deletes older ones, leftovers and the WAL before the oldest kept start', async () => {
    const [b1, b2, b3, b4] = records as [BackupRecord, BackupRecord, BackupRecord, BackupRecord];
    const windowBefore = (await fx.provider.describe()).window;
    const res = await prune(2);
    if (res.state !== 'pruned') throw new Error(`not pruned: ${res.reason}`);
    expect(res.plan.removeBackups.map((b) => b.id)).toEqual([b2.id]);
    expect(res.removedDirs).toEqual([b1.dir, b2.dir].sort());
    expect((await fx.provider.catalog.list()).map((b) => b.id)).toEqual([b3.id, b4.id]);
    expect(await readdir(fx.backupDir)).toEqual(expect.arrayContaining([b3.dir, b4.dir]));
    for (const b of [b1, b2]) expect(existsSync(join(fx.backupDir, b.dir))).toBe(false);

    const first = segmentNameForLsn(b3.timeline, parseLsn(b3.startLsn), MB);
    expect(res.plan.firstKeptSegment).toBe(first);
    expect(res.removedWal.length).toBeGreaterThan(5);
    for (const name of res.removedWal) expect(name.slice(0, 24) < first).toBe(true);
    const left = (await readdir(fx.archiveDir)).sort();
    expect(left).toEqual(archiveAtStart.filter((n) => !res.removedWal.includes(n)));
    expect(left.filter((n) => /^[0-9A-F]{24}$/.test(n))[0]).toBe(first);

    // Both kept backups still verify against the archive (pg_verifybackup -w reads their WAL).
    for (const b of [b3, b4]) expect(await verifyBaseBackup(fx.runner, fx.backupDir, b, fx.archiveDir)).toEqual({ ok: true });

    // The window now starts at the oldest kept backup and still ends at the last commit.
    const window = (await fx.provider.describe()).window;
    expect(window.earliest.toISOString()).toBe(b3.finishedAt);
    expect(window.latest).toEqual(windowBefore.latest);
    expect(window.earliest.getTime()).toBeGreaterThan(windowBefore.earliest.getTime());

    const after = await sizes();
    expect(res.freedBytes).toBeGreaterThan(0);
    expect(after.archive + after.backups).toBeLessThan(bytesAtStart.archive + bytesAtStart.backups);
    process.stdout.write(
      `retention 4 → 2 backups: archive ${(bytesAtStart.archive / 1e6).toFixed(1)} → ${(after.archive / 1e6).toFixed(1)} MB (${archiveAtStart.length} → ${left.length} files), ` +
        `backups ${(bytesAtStart.backups / 1e6).toFixed(1)} → ${(after.backups / 1e6).toFixed(1)} MB, freed ${(res.freedBytes / 1e6).toFixed(1)} MB\n`,
    );

    // Nothing more to do the second time.
    const again = await prune(2);
    expect(again).toMatchObject({ state: 'pruned', removedDirs: [], removedWal: [] });
  });

  it('restores to a time after the oldest kept backup, exactly, from that backup', async () => {
    const b3 = records[2] as BackupRecord;
    expect(target.getTime()).toBeGreaterThan(Date.parse(b3.finishedAt));
    const ref = await fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'retained-1', tags: { run: 'retained-1' } });
    expect(ref).toMatchObject({ backupId: b3.id, warnings: [] });
    const res = await pollUntilSettled(fx.provider, ref);
    if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
    const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
    const expected = rows.filter((r) => r.committedAt <= BigInt(target.getTime()) * 1000n).map((r) => r.label);
    expect(expected).toContain('after-backup-3-a');
    expect(expected).not.toContain('after-backup-3-b');
    expect(restored.map((r) => r.label)).toEqual(expected);
    await fx.provider.discard(ref);
  });

  it('refuses a time before the oldest kept backup, naming the new window', async () => {
    const b2 = records[1] as BackupRecord;
    const err = await expectRewindError(
      fx.provider.startRestore({ target: { kind: 'time', at: new Date(Date.parse(b2.finishedAt) + 500) }, name: 'retained-2', tags: { run: 'retained-2' } }),
      'TARGET_BEFORE_OLDEST_BACKUP',
    );
    expect(err.userMessage).toContain((records[2] as BackupRecord).finishedAt);
  });
});
