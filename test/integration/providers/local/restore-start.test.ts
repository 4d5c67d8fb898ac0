import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalRestoreRef } from '../../../../src/providers/local/local-recovery-source';
import { microsToDate } from '../../../../src/providers/local/pg-time';
import { commitRow, createFixture, expectRewindError, pollUntilSettled, queryEndpoint, sleep, type CommittedRow, type LocalFixture } from './local-fixture';

// A restore copies the likely backup and starts replaying while the plan still verifies the
// backup and reads the WAL: a refusal found then must leave nothing behind (no directory, no
// server), and what the WAL prefetcher spooled is gone once the restore is available.

describe('local-postgres provider: starting replay beside the plan', () => {
  let fx: LocalFixture;
  const rows: CommittedRow[] = [];
  let segment: string;
  let target: Date;

  beforeAll(async () => {
    fx = await createFixture('start');
    rows.push(await commitRow(fx.source, 'before-backup'));
    await fx.provider.takeBackup();
    await sleep(20);
    rows.push(await commitRow(fx.source, 'kept'));
    segment = await fx.source.switchWalAndWaitArchived();
    await sleep(20);
    rows.push(await commitRow(fx.source, 'lost'));
    await fx.source.switchWalAndWaitArchived();
    const kept = rows[1];
    const lost = rows[2];
    if (!kept || !lost) throw new Error('rows missing');
    target = microsToDate((kept.committedAt + lost.committedAt) / 2n);
  });
  afterAll(async () => fx?.cleanup());

  const serversOf = async (name: string) => (await fx.runner.run('/usr/bin/pgrep', ['-f', `postgres.*${join(fx.restoreRoot, name)}`])).stdout.trim();

  it('stops and removes the early copy when the plan then refuses (corrupt WAL segment)', async () => {
    const file = join(fx.archiveDir, segment);
    const original = await readFile(file);
    await writeFile(file, Buffer.concat([original.subarray(0, 40), Buffer.alloc(8192 - 40, 0x5a), original.subarray(8192)]));
    try {
      const err = await expectRewindError(fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'refused', tags: { run: 'r' } }), 'WAL_GAP');
      expect(err.userMessage).toContain(segment);
      expect(existsSync(join(fx.restoreRoot, 'refused'))).toBe(false);
      expect(await serversOf('refused')).toBe('');
    } finally {
      await writeFile(file, original);
    }
  });

  it('restores exactly, and drops the WAL spool once available', async () => {
    const ref = (await fx.provider.startRestore({ target: { kind: 'time', at: target }, name: 'spooled', tags: { run: 's' } })) as LocalRestoreRef;
    const res = await pollUntilSettled(fx.provider, ref);
    if (res.state !== 'available') throw new Error(`restore not available: ${JSON.stringify(res)}`);
    const restored = await queryEndpoint<{ label: string }>(res.endpoint, 'SELECT label FROM items ORDER BY id');
    expect(restored.map((r) => r.label)).toEqual(['before-backup', 'kept']);
    expect(existsSync(join(fx.restoreRoot, 'spooled', 'wal-spool'))).toBe(false);
    await fx.provider.discard(ref);
    expect(await serversOf('spooled')).toBe('');
  });
});
