import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupRecord } from '../../../../src/providers/local/backup-catalog';
import type { LocalRestoreRef } from '../../../../src/providers/local/local-recovery-source';
import { findFreePort, pgCtlStatus } from '../../../../src/providers/local/pg-process';
import { MARKER_CREATOR, RestoreInstance, type RestoreMarker } from '../../../../src/providers/local/restore-instance';
import { RestorePlanner } from '../../../../src/providers/local/restore-planner';
import { microsToDate } from '../../../../src/providers/local/pg-time';
import type { BackupInfo } from '../../../../src/providers/ports';
import { commitRow, createFixture, expectRewindError, pollUntilSettled, queryEndpoint, sleep, type CommittedRow, type LocalFixture } from './local-fixture';

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe('local-postgres provider: failure modes become named errors', () => {
  let fx: LocalFixture;
  let b1: BackupInfo;
  let b2: BackupInfo;
  const rows: CommittedRow[] = [];
  /** Segment holding the commit of late-1 (after b2), and the target between late-2 and late-3. */
  let gapSegment: string;
  let target: Date;

  beforeAll(async () => {
    fx = await createFixture('fail');
    rows.push(await commitRow(fx.source, 'early-1'));
    b1 = await fx.provider.takeBackup();
    await sleep(20);
    rows.push(await commitRow(fx.source, 'mid-1'));
    b2 = await fx.provider.takeBackup();
    await sleep(20);
    rows.push(await commitRow(fx.source, 'late-1'));
    gapSegment = await fx.source.switchWalAndWaitArchived();
    for (const label of ['late-2', 'late-3']) {
      await sleep(20);
      rows.push(await commitRow(fx.source, label));
      await fx.source.switchWalAndWaitArchived();
    }
    const late2 = rows[3];
    const late3 = rows[4];
    if (!late2 || !late3) throw new Error('rows missing');
    target = microsToDate((late2.committedAt + late3.committedAt) / 2n);
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it('refuses a target before the oldest backup, showing the window', async () => {
    const at = new Date(b1.finishedAt.getTime() - 1000);
    const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at }, name: 'too-early', tags: { run: 'x' } }), 'TARGET_BEFORE_OLDEST_BACKUP');
    expect(err.userMessage).toContain(at.toISOString());
    expect(err.userMessage).toContain(b1.finishedAt.toISOString());
    expect(err.userMessage).toMatch(/restorable window is .* to .* \(UTC\)/);
    expect(existsSync(join(fx.restoreRoot, 'too-early'))).toBe(false);
  });

  it('refuses a target after the last archived commit, naming the latest restorable time', async () => {
    const { window } = await fx.provider.describe();
    const at = new Date(window.latest.getTime() + 60_000);
    const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at }, name: 'too-late', tags: { run: 'x' } }), 'TARGET_AFTER_LATEST_COMMIT');
    expect(err.userMessage).toContain(`at or before ${window.latest.toISOString()}`);
    expect(err.userMessage).toMatch(ISO);
    expect(existsSync(join(fx.restoreRoot, 'too-late'))).toBe(false);
  });

  it('falls back to the previous backup when the newest fails verification, and says so', async () => {
    await flipBytesInDataFile(join(fx.backupDir, b2.id));
    const ref = (await fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'fallback', tags: { run: 'fb' } })) as LocalRestoreRef;
    expect(ref.backupId).toBe(b1.id);
    expect(ref.warnings.join(' ')).toContain(`Backup ${b2.id}`);
    expect(ref.warnings.join(' ')).toMatch(/failed verification/);
    expect(ref.detail).toContain(b2.id);
    const res = await pollUntilSettled(fx.provider, ref);
    if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
    expect(res.detail).toContain(b2.id);
    const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
    expect(restored.map((r) => r.label)).toEqual(['early-1', 'mid-1', 'late-1', 'late-2']);
    const desc = await fx.provider.describe();
    expect(desc.backups.find((b) => b.id === b2.id)).toMatchObject({ valid: false, note: expect.stringMatching(/pg_verifybackup/) });
    expect(desc.window.earliest.getTime()).toBe(b1.finishedAt.getTime());
  });

  it('restores a named backup, and a corrupt named one from the previous backup plus WAL', async () => {
    const cases = [
      { id: b1.id, name: 'named-b1', labels: ['early-1'], backupId: b1.id, warned: false },
      { id: b2.id, name: 'named-b2', labels: ['early-1', 'mid-1'], backupId: b1.id, warned: true },
    ];
    for (const c of cases) {
      const ref = (await fx.provider.startRestore({ target: { kind: 'backup', backupId: c.id }, name: c.name, tags: { run: c.name } })) as LocalRestoreRef;
      expect(ref.backupId).toBe(c.backupId);
      expect(ref.warnings.length > 0).toBe(c.warned);
      const res = await pollUntilSettled(fx.provider, ref);
      if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
      const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
      expect(restored.map((r) => r.label)).toEqual(c.labels);
      await fx.provider.discard(ref);
    }
    await expectRewindError(fx.provider.startRestore({ target: { kind: 'backup', backupId: 'base-nope' }, name: 'nope', tags: {} }), 'BACKUP_NOT_FOUND');
  });

  it('refuses a WAL gap, naming the missing segment', async () => {
    const aside = join(fx.root, `${gapSegment}.aside`);
    await rename(join(fx.archiveDir, gapSegment), aside);
    try {
      const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'gap', tags: { run: 'g' } }), 'WAL_GAP');
      expect(err.userMessage).toContain(gapSegment);
      expect(err.userMessage).toMatch(/missing from the archive/);
      expect(err.detail).toMatchObject({ segment: gapSegment });
      expect(existsSync(join(fx.restoreRoot, 'gap'))).toBe(false);
      await expectRewindError(fx.provider.startRestore({ target: { kind: 'latest' }, name: 'gap', tags: { run: 'g' } }), 'WAL_GAP');

      // The window stops before the hole, and its end is really restorable.
      const { window } = await fx.provider.describe();
      expect(BigInt(window.latest.getTime()) * 1000n).toBeLessThan(rows[2]?.committedAt ?? 0n);
      const ref = await fx.provider.startRestore({ target: { kind: 'time', at: window.latest }, name: 'before-gap', tags: { run: 'g' } });
      const res = await pollUntilSettled(fx.provider, ref);
      if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
      const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
      expect(restored.map((r) => r.label)).toEqual(['early-1', 'mid-1']);
      await fx.provider.discard(ref);
    } finally {
      await rename(aside, join(fx.archiveDir, gapSegment));
    }
  });

  it('refuses a corrupt WAL segment, naming it', async () => {
    const file = join(fx.archiveDir, gapSegment);
    const original = await readFile(file);
    // Keep the segment's long page header, garble the records after it.
    await writeFile(file, Buffer.concat([original.subarray(0, 40), Buffer.alloc(8192 - 40, 0x5a), original.subarray(8192)]));
    try {
      const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'bad-wal', tags: { run: 'g' } }), 'WAL_GAP');
      expect(err.userMessage).toContain(gapSegment);
    } finally {
      await writeFile(file, original);
    }
  });

  it('fails a restore that promoted short of the target (segment lost after planning)', async () => {
    const { runner, catalog, archive } = fx.provider;
    const plan = await new RestorePlanner(runner, catalog, archive).plan({ kind: 'time', at: target });
    expect(plan.expectation.kind).toBe('time');
    const inst = new RestoreInstance(fx.restoreRoot, 'short');
    await runner.ensureOwnedDir(inst.dir, 0o750);
    const marker: RestoreMarker = {
      createdBy: MARKER_CREATOR,
      version: 1,
      name: 'short',
      tags: { run: 'short' },
      target: `time:${target.toISOString()}`,
      backupId: plan.backup.id,
      port: await findFreePort(),
      database: 'postgres',
      expectation: plan.expectation,
      warnings: [],
      phase: 'started',
      createdAt: new Date().toISOString(),
    };
    await inst.writeMarker(marker);
    await inst.prepare(runner, { backupPath: join(fx.backupDir, plan.backup.dir), archiveDir: fx.archiveDir, port: marker.port, expectation: plan.expectation });
    const aside = join(fx.root, `${gapSegment}.aside`);
    await rename(join(fx.archiveDir, gapSegment), aside);
    try {
      const res = await pollUntilSettled(fx.provider, { provider: 'local-postgres', id: 'short' });
      expect(res).toEqual({ state: 'failed', reason: expect.stringMatching(/promoted short of the target/) });
      if (res.state === 'failed') expect(res.reason).toMatch(/must not be used/);
    } finally {
      await rename(aside, join(fx.archiveDir, gapSegment));
      await fx.provider.discard({ provider: 'local-postgres', id: 'short', tags: { run: 'short' } });
    }
  });

  it('discards only clusters it created', async () => {
    await mkdir(join(fx.restoreRoot, 'not-ours', 'data'), { recursive: true });
    await writeFile(join(fx.restoreRoot, 'not-ours', 'data', 'PG_VERSION'), '15\n');
    await expectRewindError(fx.provider.discard({ provider: 'local-postgres', id: 'not-ours' }), 'NOT_CREATED_BY_REWIND');
    expect(existsSync(join(fx.restoreRoot, 'not-ours', 'data', 'PG_VERSION'))).toBe(true);
    await expectRewindError(fx.provider.startRestore({ target: { kind: 'latest' }, name: 'not-ours', tags: { run: 'fb' } }), 'RESTORE_NAME_TAKEN');

    await fx.provider.discard({ provider: 'local-postgres', id: 'never-created', tags: { run: 'fb' } });

    await expectRewindError(fx.provider.discard({ provider: 'local-postgres', id: 'fallback', tags: { run: 'someone-else' } }), 'NOT_CREATED_BY_REWIND');
    expect(await pgCtlStatus(fx.runner, join(fx.restoreRoot, 'fallback', 'data'))).toBe('running');
    await fx.provider.discard({ provider: 'local-postgres', id: 'fallback', tags: { run: 'fb' } });
    expect(existsSync(join(fx.restoreRoot, 'fallback'))).toBe(false);
    await fx.provider.discard({ provider: 'local-postgres', id: 'fallback', tags: { run: 'fb' } });
    expect((await readdir(fx.restoreRoot)).sort()).toEqual(['not-ours']);
  });

  it('keeps the catalog readable and records the corrupt backup', async () => {
    const catalog = JSON.parse(await readFile(join(fx.backupDir, 'catalog.json'), 'utf8')) as { backups: BackupRecord[] };
    const byId = new Map(catalog.backups.map((b) => [b.id, b]));
    expect(byId.get(b1.id)).toMatchObject({ valid: true, timeline: 1, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(byId.get(b2.id)?.valid).toBe(false);
    expect((await stat(join(fx.backupDir, 'catalog.json'))).size).toBeGreaterThan(0);
  });

  it('refuses when every backup that could reach the target is corrupt', async () => {
    await flipBytesInDataFile(join(fx.backupDir, b1.id));
    const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'all-bad', tags: { run: 'x' } }), 'BACKUP_CORRUPT');
    expect(err.userMessage).toContain(b1.id);
    expect(err.userMessage).toMatch(/Take a new base backup/);
    await expectRewindError(fx.provider.describe(), 'NO_VALID_BACKUP');
    expect(existsSync(join(fx.restoreRoot, 'all-bad'))).toBe(false);
  });
});

/** Flips bytes in the middle of the largest relation file of a plain-format backup. */
async function flipBytesInDataFile(backupPath: string): Promise<void> {
  const base = join(backupPath, 'base');
  let largest = { path: '', size: 0 };
  for (const db of await readdir(base)) {
    for (const f of await readdir(join(base, db))) {
      const path = join(base, db, f);
      const { size } = await stat(path);
      if (/^\d+$/.test(f) && size > largest.size) largest = { path, size };
    }
  }
  const fh = await open(largest.path, 'r+');
  try {
    const buf = Buffer.alloc(16);
    const at = Math.floor(largest.size / 2);
    await fh.read(buf, 0, 16, at);
    for (let i = 0; i < buf.length; i++) buf[i] = (buf[i] ?? 0) ^ 0xff;
    await fh.write(buf, 0, 16, at);
  } finally {
    await fh.close();
  }
}

