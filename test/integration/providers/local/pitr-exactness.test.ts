import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalRestoreRef } from '../../../../src/providers/local/local-recovery-source';
import { pgCtlStatus } from '../../../../src/providers/local/pg-process';
import { microsToDate } from '../../../../src/providers/local/pg-time';
import { SqlValidator } from '../../../../src/providers/local/sql-validator';
import type { BackupInfo } from '../../../../src/providers/ports';
import { commitRow, createFixture, pollUntilSettled, queryEndpoint, sleep, type CommittedRow, type LocalFixture } from './local-fixture';

describe('local-postgres provider: point-in-time restore is exact', () => {
  let fx: LocalFixture;
  let backup: BackupInfo;
  const before: CommittedRow[] = [];
  const after: CommittedRow[] = [];
  let target: Date;
  let archiveBefore: string[];

  beforeAll(async () => {
    fx = await createFixture('exact');
    before.push(await commitRow(fx.source, 'pre-backup-1'), await commitRow(fx.source, 'pre-backup-2'));
    backup = await fx.provider.takeBackup();
    const rows: CommittedRow[] = [];
    for (let i = 1; i <= 6; i++) {
      await sleep(60);
      rows.push(await commitRow(fx.source, `row-${i}`));
    }
    const third = rows[2];
    const fourth = rows[3];
    if (!third || !fourth) throw new Error('rows missing');
    // Between the 3rd and 4th commit, on a millisecond (what a Date can say).
    target = microsToDate((third.committedAt + fourth.committedAt) / 2n);
    for (const r of rows) (r.committedAt <= BigInt(target.getTime()) * 1000n ? before : after).push(r);
    await fx.source.switchWalAndWaitArchived();
    archiveBefore = (await readdir(fx.archiveDir)).sort();
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it('catalogs a verified backup and reports the window from the archive', async () => {
    expect(backup.valid).toBe(true);
    const desc = await fx.provider.describe();
    expect(desc.engine).toBe('postgresql');
    expect(desc.backups.map((b) => b.id)).toEqual([backup.id]);
    expect(desc.window.earliest.getTime()).toBe(backup.finishedAt.getTime());
    const lastCommit = after[after.length - 1];
    expect(lastCommit).toBeDefined();
    expect(BigInt(desc.window.latest.getTime()) * 1000n).toBeGreaterThanOrEqual(lastCommit?.committedAt ?? 0n);
    expect(desc.window.latest.getTime() - microsToDate(lastCommit?.committedAt ?? 0n).getTime()).toBeLessThanOrEqual(1);
  });

  it('restores exactly the rows committed at or before the target, into a new cluster', async () => {
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(after.length).toBeGreaterThanOrEqual(1);
    const tags = { run: 'exact-1' };
    const ref = (await fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'exact-1', tags })) as LocalRestoreRef;
    expect(ref).toMatchObject({ provider: 'local-postgres', id: 'exact-1', backupId: backup.id, warnings: [] });
    const res = await pollUntilSettled(fx.provider, ref);
    if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
    expect(res.endpoint.port).not.toBe(fx.source.port);
    expect(res.detail).toMatch(/stopped before commit of transaction \d+/);

    const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
    expect(restored.map((r) => r.label)).toEqual(before.map((r) => r.label));
    const [state] = await queryEndpoint<{ rec: boolean; tli: number }>(res.endpoint, 'SELECT pg_is_in_recovery() AS rec, timeline_id AS tli FROM pg_control_checkpoint()');
    expect(state).toEqual({ rec: false, tli: 2 });

    // Same name and tags again: adopts the running cluster instead of restoring twice.
    const again = (await fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'exact-1', tags })) as LocalRestoreRef;
    expect(again.port).toBe(ref.port);
    expect((await fx.provider.poll(again)).state).toBe('available');

    const validator = new SqlValidator({
      checks: [
        { name: 'row count', sql: 'SELECT count(*) FROM items', expect: { op: '=', value: before.length } },
        { name: 'freshness', sql: 'SELECT max(created_at) FROM items', expect: { maxAgeBeforeTarget: 60_000 } },
        { name: 'impossible', sql: 'SELECT count(*) FROM items', expect: { op: '>', value: 1000 } },
        { name: 'broken sql', sql: 'SELECT * FROM no_such_table', expect: { op: '=', value: 1 } },
      ],
    });
    const checks = await validator.validate(res.endpoint, { kind: 'time', at: target });
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['checksum_failures', true],
      ['row count', true],
      ['freshness', true],
      ['impossible', false],
      ['broken sql', false],
    ]);
    expect(checks[1]?.value).toBe(String(before.length));
    expect(checks[4]?.value).toMatch(/no_such_table/);
  });

  it('leaves the source and its archive untouched', async () => {
    const rows = await fx.source.query<{ label: string }>('SELECT label FROM items ORDER BY id');
    expect(rows.map((r) => r.label)).toEqual([...before, ...after].sort((a, b) => a.id - b.id).map((r) => r.label));
    const [src] = await fx.source.query<{ rec: boolean; tli: number }>('SELECT pg_is_in_recovery() AS rec, timeline_id AS tli FROM pg_control_checkpoint()');
    expect(src).toEqual({ rec: false, tli: 1 });
    const archiveAfter = (await readdir(fx.archiveDir)).sort();
    expect(archiveAfter).toEqual(expect.arrayContaining(archiveBefore));
    // The restored cluster runs on timeline 2; nothing of it may appear in the source's archive.
    expect(archiveAfter.filter((f) => !f.startsWith('00000001'))).toEqual([]);
  });

  it('restores "latest" to the last archived transaction, also with the source down', async () => {
    const windowUp = (await fx.provider.describe()).window;
    await fx.source.stop();
    try {
      expect((await fx.provider.describe()).window).toEqual(windowUp);
      const ref = await fx.provider.startRestore({ target: { kind: 'latest' }, name: 'exact-latest', tags: { run: 'exact-2' } });
      const res = await pollUntilSettled(fx.provider, ref);
      if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
      expect(res.detail).toMatch(/replayed to WAL location/);
      const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
      expect(restored.map((r) => r.label)).toEqual([...before, ...after].sort((a, b) => a.id - b.id).map((r) => r.label));
    } finally {
      await fx.source.start();
    }
  });

  it('discards the clusters it created: stopped and deleted', async () => {
    for (const [name, run] of [
      ['exact-1', 'exact-1'],
      ['exact-latest', 'exact-2'],
    ] as const) {
      await fx.provider.discard({ provider: 'local-postgres', id: name, tags: { run } });
      expect(await pgCtlStatus(fx.runner, join(fx.restoreRoot, name, 'data'))).toBe('missing');
    }
    expect(await readdir(fx.restoreRoot)).toEqual([]);
    expect(await fx.source.isRunning()).toBe(true);
  });
});
