import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PgProcessRunner } from '../src/providers/local/pg-process';
import { shellQuote } from '../src/providers/local/pg-settings';

/**
 * pgBackRest (the Debian package) set up the way it restores fastest on one machine: a local
 * repository without compression, two processes, asynchronous archive-get that prefetches WAL.
 */
export interface PgBackRest {
  config: string;
  /** Waits until no asynchronous archive-get of an earlier restore still runs (it owns the spool). */
  settle(): Promise<void>;
  stanza: string;
  /** An archive_command fragment that pushes %p into the repository. */
  pushCommand: string;
  run(args: string[]): Promise<string>;
}

export const PGBACKREST = '/usr/bin/pgbackrest';

/** Installs the Debian package when it is missing (the benchmark runs as root on CI machines). */
export function ensurePgBackRestInstalled(say: (line: string) => void): void {
  if (existsSync(PGBACKREST)) return;
  say('  installing pgbackrest (apt-get install -y pgbackrest)…');
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'pgbackrest'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(PGBACKREST)) throw new Error('apt-get did not install pgbackrest; install it by hand (apt-get install -y pgbackrest)');
}

export async function setUpPgBackRest(runner: PgProcessRunner, dir: string, source: { dataDir: string; port: number; socketDir: string }): Promise<PgBackRest> {
  const root = join(dir, 'pgbackrest');
  for (const sub of ['', 'repo', 'log', 'lock', 'spool']) await runner.ensureOwnedDir(join(root, sub), 0o750);
  const config = join(root, 'pgbackrest.conf');
  const stanza = 'bench';
  await writeFile(
    config,
    [
      '[global]',
      `repo1-path=${join(root, 'repo')}`,
      `log-path=${join(root, 'log')}`,
      `lock-path=${join(root, 'lock')}`,
      `spool-path=${join(root, 'spool')}`,
      'compress-type=none',
      'process-max=2',
      'archive-async=y',
      'archive-get-queue-max=256MiB',
      'start-fast=y',
      'log-level-console=warn',
      'log-level-file=info',
      '',
      `[${stanza}]`,
      `pg1-path=${source.dataDir}`,
      `pg1-port=${source.port}`,
      `pg1-socket-path=${source.socketDir}`,
      '',
    ].join('\n'),
  );
  await runner.giveToOwner(config);
  const run = async (args: string[]) => {
    const res = await runner.run(PGBACKREST, [`--config=${config}`, `--stanza=${stanza}`, ...args]);
    if (res.code !== 0) throw new Error(`pgbackrest ${args.join(' ')} failed (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
    return res.stdout;
  };
  const settle = async () => {
    for (let i = 0; i < 100; i++) {
      const res = await runner.run('/usr/bin/pgrep', ['-f', `${config}.*archive-get`]);
      if (res.code !== 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { config, stanza, run, settle, pushCommand: `${PGBACKREST} --config=${shellQuote(config)} --stanza=${stanza} archive-push %p` };
}
