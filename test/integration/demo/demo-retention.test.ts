import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DEMO_DATABASE } from '../../../src/demo/demo-config';
import { DemoRetention, describeRetention } from '../../../src/demo/demo-retention';
import { migrate } from '../../../src/persistence/migrate';
import { abortRun } from '../../../src/persistence/run-commands';
import { activeRunFor, createRun } from '../../../src/persistence/run-store';
import { recoveringRestores } from '../../../src/providers/local/backup-retention';
import { buildRecoveryPlan } from '../../../src/recovery/plans';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { commitRow, createFixture, pollUntilSettled, sleep, type LocalFixture } from '../providers/local/local-fixture';

// The demo's retention against a real store and a real source: nothing is deleted while a run of
// the demo database is active or a restored cluster is replaying; afterwards the old backups go.

describe('demo backup retention', () => {
  let fx: LocalFixture;
  let db: TestDatabase;
  let pool: Pool;
  const lines: string[] = [];
  let retention: DemoRetention;
  let ids: string[];
  let archive: string[];

  beforeAll(async () => {
    [fx, db] = await Promise.all([createFixture('demo-retain', { initdbArgs: ['--wal-segsize=1'] }), createTestDatabase('demo_retention')]);
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrate(pool);
    for (let i = 1; i <= 3; i++) {
      await commitRow(fx.source, `row-${i}`);
      await fx.source.switchWalAndWaitArchived();
      await fx.provider.takeBackup();
      await sleep(1100);
    }
    await commitRow(fx.source, 'row-4');
    await fx.source.switchWalAndWaitArchived();
    ids = (await fx.provider.catalog.list()).map((b) => b.id);
    archive = (await readdir(fx.archiveDir)).sort();
    retention = new DemoRetention({ provider: fx.provider, archiveDir: fx.archiveDir, restoreRoot: fx.restoreRoot, database: DEMO_DATABASE, keep: 1, say: (l) => lines.push(l) });
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await Promise.all([fx?.cleanup(), db?.drop()]);
  });

  const unchanged = async () => {
    expect((await fx.provider.catalog.list()).map((b) => b.id)).toEqual(ids);
    expect((await readdir(fx.archiveDir)).sort()).toEqual(archive);
    for (const id of ids) expect(existsSync(join(fx.backupDir, id))).toBe(true);
  };

  it('says how many backups the demo keeps', () => {
    expect(describeRetention(6, 30 * 60_000, '*/30 * * * *')).toBe(
      '✓ keeping the newest 6 base backups (one every 30m, */30 * * * *: about 3h to restore into); older ones and the WAL only they needed are deleted (REWIND_DEMO_KEEP_BACKUPS)',
    );
  });

  it('deletes nothing before the store is up', async () => {
    await retention.prune();
    expect(lines).toEqual([]);
    await unchanged();
  });

  it("deletes nothing while a run of the demo database is active; another database's run does not count", async () => {
    retention.attachStore(pool);
    const run = await createRun(pool, (v) => v, { plan: buildRecoveryPlan({ database: DEMO_DATABASE, cutovers: ['app'], healthChecks: 0, validationChecks: 0 }, { kind: 'latest' }), requestedBy: 'U0TEST00001' });
    expect(await retention.busy()).toBe(`run ${run.id} of ${DEMO_DATABASE} is planned`);
    await retention.prune();
    expect(lines).toEqual([`· old base backups not deleted now: run ${run.id} of ${DEMO_DATABASE} is planned; trying again after the next backup`]);
    await unchanged();

    // Another database's run does not hold the demo's backups.
    await abortRun(pool, (v) => v, run.id, 'U0TEST00001', 'test', () => false);
    expect(await activeRunFor(pool, DEMO_DATABASE)).toBeUndefined();
    await createRun(pool, (v) => v, { plan: buildRecoveryPlan({ database: 'other-db', cutovers: [], healthChecks: 0, validationChecks: 0 }, { kind: 'latest' }), requestedBy: 'U0TEST00001' });
    expect(await retention.busy()).toBeUndefined();

    // A drill being aborted has let go of the database, yet may still be restoring: it counts.
    const drill = await createRun(pool, (v) => v, { plan: buildRecoveryPlan({ database: DEMO_DATABASE, cutovers: [], healthChecks: 0, validationChecks: 0 }, { kind: 'latest' }), requestedBy: 'U0TEST00001' });
    await pool.query(`DELETE FROM database_locks WHERE run_id = $1`, [drill.id]);
    await pool.query(`UPDATE runs SET status = 'rolling_back' WHERE id = $1`, [drill.id]);
    expect(await activeRunFor(pool, DEMO_DATABASE)).toBeUndefined();
    expect(await retention.busy()).toBe(`run ${drill.id} of ${DEMO_DATABASE} is rolling back`);
    await pool.query(`UPDATE runs SET status = 'aborted' WHERE id = $1`, [drill.id]);
    expect(await retention.busy()).toBeUndefined();
  });

  it('deletes nothing while a restored cluster is still replaying WAL', async () => {
    const ref = await fx.provider.startRestore({ target: { kind: 'latest' }, name: 'replaying', tags: { run: 'replaying' } });
    const res = await pollUntilSettled(fx.provider, ref);
    expect(res.state).toBe('available');
    // Promoted: recovery.signal is gone and nothing reads the archive any more.
    expect(await recoveringRestores(fx.runner, fx.restoreRoot)).toEqual([]);
    // A restore not yet available (still copying, or stopped mid-replay by a failed run) will read it.
    const markerFile = join(fx.restoreRoot, 'replaying', 'rewind-restore.json');
    const marker = await readFile(markerFile, 'utf8');
    await writeFile(markerFile, marker.replace('"phase": "available"', '"phase": "copying"'));
    expect(await recoveringRestores(fx.runner, fx.restoreRoot)).toEqual(['replaying']);
    await writeFile(markerFile, marker);
    // A running restore with recovery.signal is one still in recovery.
    const signal = join(fx.restoreRoot, 'replaying', 'data', 'recovery.signal');
    await writeFile(signal, '');
    try {
      expect(await recoveringRestores(fx.runner, fx.restoreRoot)).toEqual(['replaying']);
      lines.length = 0;
      await retention.prune();
      expect(lines).toEqual([
        '· old base backups not deleted now: restored cluster replaying not finished (copying or replaying WAL; finish or /dr abort its run, or npm run demo -- --reset); trying again after the next backup',
      ]);
      await unchanged();
    } finally {
      await fx.provider.discard(ref);
    }
  });

  it('says a failed prune and never throws', async () => {
    const broken = new DemoRetention({ provider: fx.provider, archiveDir: join(fx.backupDir, 'catalog.json'), restoreRoot: fx.restoreRoot, database: DEMO_DATABASE, keep: 1, say: (l) => lines.push(l) });
    broken.attachStore(pool);
    lines.length = 0;
    await expect(broken.prune()).resolves.toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^✗ deleting old base backups failed: ENOTDIR.*; the demo and its backups go on, the next backup tries again$/)]);
    await unchanged();
  });

  it('prunes to the newest backup once nothing is active, and says what it deleted', async () => {
    lines.length = 0;
    await retention.prune();
    const newest = ids[ids.length - 1] ?? '?';
    expect((await fx.provider.catalog.list()).map((b) => b.id)).toEqual([newest]);
    expect(await readdir(fx.backupDir)).toEqual(expect.arrayContaining([newest]));
    for (const id of ids.slice(0, -1)) expect(existsSync(join(fx.backupDir, id))).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^✓ kept the newest 1 base backup, deleted 2 base backups and \\d+ WAL files before [0-9A-F]{24} \\(\\d+ MB\\); restorable from \\S+ \\(${newest}\\)$`));
    const window = (await fx.provider.describe()).window;
    expect(window.earliest.toISOString()).toBe((await fx.provider.catalog.get(newest))?.finishedAt);
  });
});
