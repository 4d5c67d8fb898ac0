import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RewindError } from '../../recovery/errors';
import { writeFileAtomic } from './backup-catalog';
import { fileSize, findFreePort, pgCtlStart, pgCtlStatus, pgCtlStop, readTail, type ClusterStatus, type PgProcessRunner } from './pg-process';
import { appendSettings, type SettingValue } from './pg-settings';
import { recoveryTargetSettings, type ReplayExpectation } from './replay-log';
import { spoolRestoreCommand } from './wal-prefetch';

export const MARKER_CREATOR = 'rewind/local-postgres';

/** Written before anything else into `restoreRoot/<name>/`: proves Rewind made it, and for whom. */
export interface RestoreMarker {
  createdBy: typeof MARKER_CREATOR;
  version: 1;
  name: string;
  tags: Record<string, string>;
  /** The request's target, serialised (dates as ISO strings), to tell a retry from a clash. */
  target: string;
  backupId: string;
  port: number;
  database: string;
  expectation: ReplayExpectation;
  warnings: string[];
  phase: 'copying' | 'started' | 'available';
  createdAt: string;
  summary?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const MAX_SOCKET_PATH = 100;

/** Layout of one restored cluster: marker, data directory, server log, socket directory. */
export class RestoreInstance {
  readonly dir: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly markerFile: string;
  readonly socketDir: string;
  /** Holds the WAL prefetcher's spool: one subdirectory per copy of the backup (see wal-prefetch.ts). */
  readonly spoolRoot: string;

  constructor(
    readonly root: string,
    readonly name: string,
  ) {
    if (!NAME.test(name) || name.includes('..')) {
      throw new RewindError({ code: 'INVALID_RESTORE_NAME', userMessage: `"${name}" is not a valid restore name: use letters, digits, "_", "-" and "." (at most 100).` });
    }
    this.dir = join(root, name);
    this.dataDir = join(this.dir, 'data');
    this.logFile = join(this.dir, 'server.log');
    this.markerFile = join(this.dir, 'rewind-restore.json');
    this.socketDir = join(this.dir, 'run');
    this.spoolRoot = join(this.dir, 'wal-spool');
  }

  /** undefined: nothing there; 'foreign': a directory Rewind did not create (no valid marker). */
  async readMarker(): Promise<RestoreMarker | 'foreign' | undefined> {
    if (!existsSync(this.dir)) return undefined;
    try {
      const m = JSON.parse(await readFile(this.markerFile, 'utf8')) as Partial<RestoreMarker>;
      if (m.createdBy === MARKER_CREATOR && m.name === this.name && m.tags && m.expectation) return m as RestoreMarker;
    } catch {
      // unreadable or missing marker: not ours
    }
    return 'foreign';
  }

  async writeMarker(marker: RestoreMarker): Promise<void> {
    await writeFileAtomic(this.markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  }

  /**
   * Copies the backup (as the cluster owner, keeping modes), empties pg_wal and stale pid files,
   * and appends the recovery settings: its own port and socket, archive_mode=off so it can
   * never write into the source's archive, restore_command reading the archive, the target,
   * and log settings the replay check can parse. Then creates recovery.signal.
   */
  async prepare(runner: PgProcessRunner, opts: { backupPath: string; archiveDir: string; port: number; expectation: ReplayExpectation }): Promise<void> {
    await this.clear(runner);
    await this.copyBackup(runner, opts.backupPath);
    const spoolDir = await this.newSpool(runner);
    await this.configure(runner, { archiveDir: opts.archiveDir, spoolDir, port: opts.port, targetSettings: recoveryTargetSettings(opts.expectation) });
  }

  /** Stops a server started here before and empties the data directory and the spool. */
  async clear(runner: PgProcessRunner): Promise<void> {
    await this.stop(runner);
    await this.removeSpool();
    await rm(this.dataDir, { recursive: true, force: true });
    await runner.ensureOwnedDir(this.dir, 0o750);
    await runner.ensureOwnedDir(this.socketDir, 0o700);
  }

  /** A fresh, empty spool directory for one copy's prefetcher and restore_command. */
  async newSpool(runner: PgProcessRunner): Promise<string> {
    await runner.ensureOwnedDir(this.spoolRoot, 0o700);
    const dir = join(this.spoolRoot, randomBytes(4).toString('hex'));
    await runner.ensureOwnedDir(dir, 0o700);
    return dir;
  }

  /** The copy half of prepare, into a directory clear() emptied. */
  async copyBackup(runner: PgProcessRunner, backupPath: string): Promise<void> {
    await runner.runChecked('/bin/cp', ['-a', backupPath, this.dataDir]);
    await emptyDir(join(this.dataDir, 'pg_wal'));
    for (const stale of ['postmaster.pid', 'postmaster.opts', 'standby.signal']) await rm(join(this.dataDir, stale), { force: true });
  }

  /** The settings half of prepare, on a data directory copyBackup made; `targetSettings` from replay-log. */
  async configure(runner: PgProcessRunner, opts: { archiveDir: string; spoolDir: string; port: number; targetSettings: Record<string, SettingValue> }): Promise<void> {
    const socketUsable = `${this.socketDir}/.s.PGSQL.${opts.port}`.length <= MAX_SOCKET_PATH;
    await appendSettings(
      this.dataDir,
      {
        port: opts.port,
        listen_addresses: '127.0.0.1',
        unix_socket_directories: socketUsable ? this.socketDir : '',
        archive_mode: 'off',
        restore_command: spoolRestoreCommand(opts.archiveDir, opts.spoolDir),
        hot_standby: true,
        logging_collector: false,
        log_destination: 'stderr',
        log_min_messages: 'warning',
        lc_messages: 'C',
        log_timezone: 'UTC',
        timezone: 'UTC',
        ...opts.targetSettings,
      },
      `point-in-time restore by Rewind (${this.name})`,
    );
    const signal = join(this.dataDir, 'recovery.signal');
    await writeFile(signal, '');
    await runner.giveToOwner(signal);
  }

  /**
   * Starts the server; pg_ctl returns once it accepts (read-only) connections, i.e. at
   * consistency, not at the target. A port taken meanwhile is replaced once with a free one.
   * Returns the port in use, or throws with the log's error lines.
   */
  async start(runner: PgProcessRunner, port: number, timeoutSec: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const logStart = await fileSize(this.logFile);
      const res = await pgCtlStart(runner, { dataDir: this.dataDir, logFile: this.logFile, timeoutSec });
      if (res.ok || (await this.status(runner)) === 'running') return port;
      const log = await readTail(this.logFile, Math.min(1 << 20, (await fileSize(this.logFile)) - logStart));
      if (attempt === 0 && /could not bind|Address already in use/.test(log)) {
        port = await findFreePort();
        await appendSettings(this.dataDir, { port }, 'the previous port was taken');
        continue;
      }
      throw Object.assign(new Error(errorLines(log) || res.output), { log });
    }
  }

  /**
   * Drops what prefetchers spooled and replay did not take. The spool is renamed away first, so
   * a prefetcher still running finds its directory gone and stops instead of writing on.
   */
  async removeSpool(): Promise<void> {
    if (!existsSync(this.spoolRoot)) return;
    const doomed = `${this.spoolRoot}.discarded-${randomBytes(4).toString('hex')}`;
    await rename(this.spoolRoot, doomed);
    for (let attempt = 0; ; attempt++) {
      try {
        return await rm(doomed, { recursive: true, force: true });
      } catch (err) {
        // A copy that was already under way may add its file while rm empties the directory.
        if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  status(runner: PgProcessRunner): Promise<ClusterStatus> {
    return pgCtlStatus(runner, this.dataDir);
  }

  async stop(runner: PgProcessRunner): Promise<void> {
    if (existsSync(this.dataDir)) await pgCtlStop(runner, this.dataDir);
  }

  async remove(runner: PgProcessRunner): Promise<void> {
    await this.stop(runner);
    await this.removeSpool();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The FATAL/PANIC/ERROR lines of a server log, for messages. */
export function errorLines(log: string): string {
  return log
    .split('\n')
    .filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l))
    .slice(-3)
    .map((l) => l.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, '$1: '))
    .join('; ');
}

async function emptyDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await emptyDir(path);
    else await rm(path, { force: true });
  }
}

/** Every cluster Rewind restored under `restoreRoot` (directories with its marker), in no order. */
export async function restoredInstances(restoreRoot: string): Promise<Array<{ inst: RestoreInstance; marker: RestoreMarker }>> {
  if (!existsSync(restoreRoot)) return [];
  const out: Array<{ inst: RestoreInstance; marker: RestoreMarker }> = [];
  for (const entry of await readdir(restoreRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let inst: RestoreInstance;
    try {
      inst = new RestoreInstance(restoreRoot, entry.name);
    } catch {
      continue;
    }
    const marker = await inst.readMarker();
    if (marker && marker !== 'foreign') out.push({ inst, marker });
  }
  return out;
}

