import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { findFreePort, pgCtlStart, pgCtlStatus, pgCtlStop, readTail, type PgProcessRunner } from './pg-process';
import { appendSettings, shellQuote, type SettingValue } from './pg-settings';

/** How Rewind reaches the source for base backups: a server address, or a local data directory. */
export type SourceConnection =
  | { host: string; port: number; user: string; database?: string; password?: string }
  | { dataDir: string; port?: number; user?: string; database?: string };

export interface ResolvedConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string;
}

/**
 * An archive_command that copies a segment to `archiveDir` under a temporary name, fsyncs it,
 * renames it into place and fsyncs the directory. If the file already exists it succeeds only
 * when the content is identical (a retry after a crash), and fails otherwise, so a second
 * cluster pointed at the same archive can never overwrite history.
 */
export function archiveCommandFor(archiveDir: string): string {
  return (
    `d=${shellQuote(archiveDir)}; ` +
    'if [ -f "$d/%f" ]; then cmp -s "%p" "$d/%f"; ' +
    'else cp "%p" "$d/%f.tmp" && sync "$d/%f.tmp" && mv "$d/%f.tmp" "$d/%f" && sync "$d"; fi'
  );
}

/**
 * Where a running cluster listens, read from its postmaster.pid (line 4 port, 5 socket
 * directory, 6 listen address). Undefined when the cluster is not running.
 */
export async function readPostmasterAddress(dataDir: string): Promise<{ host: string; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const port = Number(lines[3]);
  const socketDir = (lines[4] ?? '').trim();
  const listen = (lines[5] ?? '').trim();
  if (!Number.isInteger(port) || port <= 0) return undefined;
  if (socketDir) return { host: socketDir, port };
  return { host: listen && listen !== '*' ? listen : '127.0.0.1', port };
}

export async function resolveConnection(source: SourceConnection): Promise<ResolvedConnection> {
  if ('host' in source) {
    return { host: source.host, port: source.port, user: source.user, database: source.database ?? 'postgres', ...(source.password ? { password: source.password } : {}) };
  }
  const addr = await readPostmasterAddress(source.dataDir);
  if (!addr) throw new Error(`the source cluster in ${source.dataDir} is not running`);
  return { host: addr.host, port: source.port ?? addr.port, user: source.user ?? 'postgres', database: source.database ?? 'postgres' };
}

export interface SourceClusterOptions {
  runner: PgProcessRunner;
  dataDir: string;
  archiveDir: string;
  /** Unix socket directory; defaults to `<dataDir>/../socket`. Keep the path short (< 90 chars). */
  socketDir?: string;
  logFile?: string;
  /** A fixed port; a free one is chosen otherwise. */
  port?: number;
  /** Bounds the RPO: an idle-but-dirty segment is archived after this many seconds. */
  archiveTimeoutSec?: number;
  extraSettings?: Record<string, SettingValue>;
  /** Extra initdb arguments, e.g. `--wal-segsize=1` for small segments when archive_timeout is short. */
  initdbArgs?: string[];
}

/**
 * A PostgreSQL cluster that can be recovered: WAL archiving into `archiveDir`, commit
 * timestamps, data checksums. Used by the demo and the tests; `attach` wraps an existing one.
 * Authentication is `trust` and it listens on 127.0.0.1 only: it is a local demo source.
 */
export class SourceCluster {
  private constructor(
    private readonly runner: PgProcessRunner,
    readonly dataDir: string,
    readonly archiveDir: string,
    readonly socketDir: string,
    readonly logFile: string,
    readonly port: number,
  ) {}

  /** initdb and configure; a data directory that already holds a cluster is reused as is. */
  static async create(opts: SourceClusterOptions): Promise<SourceCluster> {
    const { runner } = opts;
    const socketDir = opts.socketDir ?? join(opts.dataDir, '..', 'socket');
    const logFile = opts.logFile ?? join(opts.dataDir, '..', 'server.log');
    await runner.ensureOwnedDir(dirname(logFile), 0o755);
    await runner.ensureOwnedDir(socketDir);
    await runner.ensureOwnedDir(opts.archiveDir, 0o750);
    if (existsSync(join(opts.dataDir, 'PG_VERSION'))) {
      // The last assignment wins in postgresql.auto.conf, as it does for the server.
      const ports = [...(await readFile(join(opts.dataDir, 'postgresql.auto.conf'), 'utf8')).matchAll(/^port = (\d+)$/gm)];
      const port = Number(ports[ports.length - 1]?.[1]);
      return new SourceCluster(runner, opts.dataDir, opts.archiveDir, socketDir, logFile, port);
    }
    await runner.ensureOwnedDir(opts.dataDir);
    await runner.toolChecked('initdb', ['-D', opts.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--data-checksums', ...(opts.initdbArgs ?? [])]);
    const port = opts.port ?? (await findFreePort());
    await appendSettings(
      opts.dataDir,
      {
        port,
        listen_addresses: '127.0.0.1',
        unix_socket_directories: socketDir,
        wal_level: 'replica',
        archive_mode: 'on',
        archive_command: archiveCommandFor(opts.archiveDir),
        archive_timeout: opts.archiveTimeoutSec ?? 60,
        track_commit_timestamp: true,
        max_connections: 20,
        shared_buffers: '16MB',
        log_timezone: 'UTC',
        timezone: 'UTC',
        lc_messages: 'C',
        ...opts.extraSettings,
      },
      'recoverable source settings written by Rewind',
    );
    return new SourceCluster(runner, opts.dataDir, opts.archiveDir, socketDir, logFile, port);
  }

  /** Wraps a cluster that exists already (e.g. named in the config); start/stop use its own settings. */
  static attach(opts: { runner: PgProcessRunner; dataDir: string; archiveDir: string; port: number; socketDir: string; logFile: string }): SourceCluster {
    return new SourceCluster(opts.runner, opts.dataDir, opts.archiveDir, opts.socketDir, opts.logFile, opts.port);
  }

  get connection(): ResolvedConnection {
    return { host: this.socketDir, port: this.port, user: 'postgres', database: 'postgres' };
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const res = await pgCtlStart(this.runner, { dataDir: this.dataDir, logFile: this.logFile });
    if (!res.ok) throw new Error(`source cluster did not start: ${res.output}\n${await readTail(this.logFile, 4000)}`);
  }

  async stop(): Promise<void> {
    await pgCtlStop(this.runner, this.dataDir);
  }

  async isRunning(): Promise<boolean> {
    return (await pgCtlStatus(this.runner, this.dataDir)) === 'running';
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client(this.connection);
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /**
   * Closes the current WAL segment and waits until the archive holds it. Returns its name.
   * With no WAL written since the last switch PostgreSQL does not switch; the returned name is
   * then the last completed segment, which is archived already or soon.
   */
  async switchWalAndWaitArchived(timeoutMs = 20_000): Promise<string> {
    const rows = await this.query<{ name: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS name');
    const name = rows[0]?.name;
    if (!name) throw new Error('pg_switch_wal returned nothing');
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(join(this.archiveDir, name))) {
      if (Date.now() > deadline) throw new Error(`segment ${name} was not archived within ${timeoutMs} ms; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return name;
  }
}
