import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { LocalPostgresRecoverySource } from '../src/providers/local/local-recovery-source';
import { findFreePort, pgCtlStart, readTail, type PgProcessRunner } from '../src/providers/local/pg-process';
import { appendSettings, shellQuote } from '../src/providers/local/pg-settings';
import type { PgBackRest } from './local-restore-pgbackrest';

/**
 * The three ways the benchmark restores the same backup to the same target. Each returns when
 * the new cluster has left recovery (promoted at the target) and accepts writes.
 */

export interface RestoreTiming {
  /** Until the data directory is ready to start (copy + settings; Rewind: also its pre-flight). */
  prepareMs: number;
  totalMs: number;
  url: string;
  dataDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `recovery_target_time` as PostgreSQL wants it: no trailing Z. */
export function pgTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '+00:00');
}

/** Polls until the server answers and is out of recovery. */
export async function waitPromoted(url: string, logFile: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      c.on('error', () => undefined);
      await c.connect();
      try {
        const r = await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
        if (r.rows[0]?.r === false) return;
      } finally {
        await c.end();
      }
    } catch {
      // starting up, or not accepting connections yet
    }
    if (Date.now() > deadline) throw new Error(`still in recovery after ${timeoutMs} ms; see ${logFile}:\n${await readTail(logFile, 2000)}`);
    await sleep(100);
  }
}

const urlFor = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

async function startAndWait(runner: PgProcessRunner, dataDir: string, port: number): Promise<string> {
  const logFile = join(dataDir, '..', `${dataDir.split('/').pop()}.log`);
  const res = await pgCtlStart(runner, { dataDir, logFile, timeoutSec: 600 });
  if (!res.ok) throw new Error(`pg_ctl start failed: ${res.output}\n${await readTail(logFile, 2000)}`);
  await waitPromoted(urlFor(port), logFile);
  return urlFor(port);
}

/** What a DBA would script: copy, recovery settings, recovery.signal, pg_ctl start, wait. */
export async function scriptedRestore(runner: PgProcessRunner, o: { backupPath: string; archiveDir: string; dataDir: string; target: Date }): Promise<RestoreTiming> {
  const t0 = performance.now();
  await runner.runChecked('/bin/cp', ['-a', o.backupPath, o.dataDir]);
  for (const f of await readdir(join(o.dataDir, 'pg_wal'))) if (f !== 'archive_status') await rm(join(o.dataDir, 'pg_wal', f), { force: true });
  await rm(join(o.dataDir, 'postmaster.pid'), { force: true });
  const port = await findFreePort();
  await appendSettings(
    o.dataDir,
    {
      port,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      archive_mode: 'off',
      restore_command: `cp ${shellQuote(o.archiveDir)}/%f "%p"`,
      recovery_target_time: pgTime(o.target),
      recovery_target_timeline: 'latest',
      recovery_target_action: 'promote',
    },
    'scripted restore',
  );
  await writeFile(join(o.dataDir, 'recovery.signal'), '');
  await runner.giveToOwner(join(o.dataDir, 'recovery.signal'));
  const prepareMs = performance.now() - t0;
  const url = await startAndWait(runner, o.dataDir, port);
  return { prepareMs, totalMs: performance.now() - t0, url, dataDir: o.dataDir };
}

/** `pgbackrest restore --type=time` into an empty directory, then start and wait. */
export async function pgBackRestRestore(runner: PgProcessRunner, br: PgBackRest, o: { dataDir: string; target: Date }): Promise<RestoreTiming> {
  const t0 = performance.now();
  await runner.ensureOwnedDir(o.dataDir, 0o700);
  await br.run([`--pg1-path=${o.dataDir}`, '--type=time', `--target=${pgTime(o.target)}`, '--target-action=promote', '--target-timeline=latest', 'restore']);
  const port = await findFreePort();
  await appendSettings(o.dataDir, { port, listen_addresses: '127.0.0.1', unix_socket_directories: '', archive_mode: 'off' }, 'pgbackrest restore copy');
  const prepareMs = performance.now() - t0;
  const url = await startAndWait(runner, o.dataDir, port);
  return { prepareMs, totalMs: performance.now() - t0, url, dataDir: o.dataDir };
}

/** Rewind's local provider: startRestore (pre-flight, copy, start), then poll until available. */
export async function rewindRestore(provider: LocalPostgresRecoverySource, o: { name: string; target: Date }): Promise<RestoreTiming> {
  const t0 = performance.now();
  const ref = await provider.startRestore({ target: { kind: 'time', at: o.target }, name: o.name, tags: { bench: o.name } });
  const prepareMs = performance.now() - t0;
  for (;;) {
    const res = await provider.poll(ref);
    if (res.state === 'available') {
      const url = res.endpoint.url ?? urlFor(res.endpoint.port);
      return { prepareMs, totalMs: performance.now() - t0, url, dataDir: String(ref.dataDir) };
    }
    if (res.state === 'failed') throw new Error(`Rewind's restore failed: ${res.reason}`);
    await sleep(100);
  }
}
