import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgProcessRunner } from '../../../../src/providers/local/pg-process';
import { spoolRestoreCommand, startWalPrefetch } from '../../../../src/providers/local/wal-prefetch';

// The prefetcher and restore_command as PostgreSQL would run them (as the cluster owner), on
// stand-in segment files: what is spooled is complete and identical to the archive, the spool
// stays bounded, a missing spooled segment falls back to the archive, and the archive is only read.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('WAL prefetch for restores', () => {
  const runner = new PgProcessRunner();
  let root: string;
  let archive: string;
  const names = [1, 2, 3, 4, 5].map((n) => `0000000100000000000000${n.toString(16).toUpperCase().padStart(2, '0')}`);
  const contents = new Map<string, Buffer>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rw-prefetch-'));
    await chmod(root, 0o755);
    archive = join(root, 'archive');
    await runner.ensureOwnedDir(archive, 0o755);
    for (const name of names) {
      const data = randomBytes(256 * 1024);
      contents.set(name, data);
      await writeFile(join(archive, name), data, { mode: 0o644 });
    }
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  /** Runs restore_command for `name` into `<root>/<dest>/RECOVERYXLOG`, as the server would. */
  async function restore(spool: string, name: string, dest: string): Promise<Buffer> {
    await runner.ensureOwnedDir(join(root, dest), 0o700);
    const target = join(root, dest, 'RECOVERYXLOG');
    const command = spoolRestoreCommand(archive, spool).replace(/%f/g, name).replace(/%p/g, target);
    await runner.runChecked('/bin/sh', ['-c', command]);
    return readFile(target);
  }

  const spooled = async (spool: string) => (await readdir(spool)).filter((f) => !f.startsWith('.')).sort();

  it('keeps at most `ahead` segments ready, each identical to the archive, and refills as replay takes them', async () => {
    const spool = join(root, 'spool-a');
    await runner.ensureOwnedDir(spool, 0o700);
    await startWalPrefetch(runner, { archiveDir: archive, spoolDir: spool, segments: names, ahead: 2 });
    await until('two spooled segments', async () => (await spooled(spool)).length === 2);
    await sleep(300);
    expect(await spooled(spool)).toEqual(names.slice(0, 2));
    for (const [i, name] of names.entries()) {
      await until(`segment ${name} spooled`, async () => (await spooled(spool)).includes(name));
      expect((await restore(spool, name, `wal-a${i}`)).equals(contents.get(name) as Buffer)).toBe(true);
      expect(await spooled(spool)).not.toContain(name);
    }
    await until('an empty spool', async () => (await spooled(spool)).length === 0);
    for (const name of names) expect((await readFile(join(archive, name))).equals(contents.get(name) as Buffer)).toBe(true);
    expect((await readdir(archive)).sort()).toEqual(names);
  });

  it('falls back to copying from the archive when a segment is not spooled', async () => {
    const spool = join(root, 'spool-b');
    await runner.ensureOwnedDir(spool, 0o700);
    const name = names[2] as string;
    expect((await restore(spool, name, 'wal-b')).equals(contents.get(name) as Buffer)).toBe(true);
    expect((await readFile(join(archive, name))).equals(contents.get(name) as Buffer)).toBe(true);
  });

  it('stops when its spool directory is removed', async () => {
    const spool = join(root, 'spool-c');
    await runner.ensureOwnedDir(spool, 0o700);
    await startWalPrefetch(runner, { archiveDir: archive, spoolDir: spool, segments: names, ahead: 1 });
    await until('one spooled segment', async () => (await spooled(spool)).length === 1);
    await rm(spool, { recursive: true, force: true });
    await until('the prefetcher to exit', async () => (await runner.run('/usr/bin/pgrep', ['-f', `rewind-wal-prefetch.*${spool}`])).code !== 0);
  });
});
