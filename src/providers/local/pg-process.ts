import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, open, readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * The nice value of the restore's checks (pg_verifybackup, pg_waldump): extra work that runs
 * beside the replay, whose single startup process is the critical path, so it yields to it.
 */
export const CHECK_NICE = 10;

export interface PgRunnerOptions {
  /** Directory with initdb, pg_ctl, pg_basebackup, …; defaults to $PG_BIN or the Debian PostgreSQL 15 path. */
  pgBin?: string;
  /** OS user that owns clusters when this process is root (initdb and pg_ctl refuse root). */
  osUser?: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called per stdout line instead of buffering stdout; returning 'stop' ends the process early. */
  onStdoutLine?: (line: string) => 'stop' | void;
  /** A nice value for checks that run beside a replay and must not slow it down. */
  nice?: number;
}

export interface RunResult {
  code: number;
  /** True when onStdoutLine asked to stop and the process was ended for it. */
  stoppedEarly: boolean;
  stdout: string;
  stderr: string;
}

interface Identity {
  uid: number;
  gid: number;
  home: string;
}

const MAX_BUFFER = 4 * 1024 * 1024;

/**
 * Runs PostgreSQL binaries and file commands as the cluster owner: as `osUser` when this process
 * is root, as ourselves otherwise. Children get a clean environment (no inherited PG* variables,
 * C locale, UTC) so output is parseable and connections go only where the arguments say.
 */
export class PgProcessRunner {
  readonly pgBin: string;
  readonly osUser: string;
  private identity?: Promise<Identity | undefined>;

  constructor(opts: PgRunnerOptions = {}) {
    this.pgBin = opts.pgBin ?? process.env.PG_BIN ?? DEFAULT_PG_BIN;
    this.osUser = opts.osUser ?? 'postgres';
  }

  /** The uid/gid children run as, or undefined when they run as this process. */
  runsAs(): Promise<Identity | undefined> {
    this.identity ??= resolveIdentity(this.osUser);
    return this.identity;
  }

  toolPath(tool: string): string {
    return join(this.pgBin, tool);
  }

  /** Runs one of the PostgreSQL binaries from pgBin. */
  async tool(tool: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const path = this.toolPath(tool);
    if (!existsSync(path)) throw new Error(`PostgreSQL binary not found: ${path} (set pgBin to the directory holding ${tool})`);
    return this.run(path, args, opts);
  }

  async run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const who = await this.runsAs();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
    env.HOME = who ? who.home : (process.env.HOME ?? '/');
    Object.assign(env, opts.env ?? {});
    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: '/',
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(who ? { uid: who.uid, gid: who.gid } : {}),
      });
      if (opts.nice) lowerPriority(child.pid, opts.nice);
      let stdout = '';
      let stderr = '';
      let partial = '';
      let stoppedEarly = false;
      const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (!opts.onStdoutLine) {
          if (stdout.length < MAX_BUFFER) stdout += chunk;
          return;
        }
        if (stoppedEarly) return;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (opts.onStdoutLine(line) === 'stop') {
            stoppedEarly = true;
            child.kill('SIGTERM');
            return;
          }
        }
      });
      child.stderr.on('data', (chunk: string) => {
        if (stderr.length < MAX_BUFFER) stderr += chunk;
      });
      child.on('error', (err) => {
        if (timer) clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (!stoppedEarly && partial && opts.onStdoutLine) opts.onStdoutLine(partial);
        resolve({ code: code ?? (signal ? 128 : 1), stoppedEarly, stdout, stderr });
      });
    });
  }

  /**
   * Starts a command as the cluster owner in its own session and does not wait for it: it
   * outlives this process (e.g. a WAL prefetcher that must keep going if the worker restarts).
   */
  async spawnDetached(command: string, args: string[], opts: { nice?: number } = {}): Promise<void> {
    const who = await this.runsAs();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', TZ: 'UTC', HOME: who ? who.home : (process.env.HOME ?? '/') };
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { cwd: '/', env, stdio: 'ignore', detached: true, ...(who ? { uid: who.uid, gid: who.gid } : {}) });
      child.once('error', reject);
      child.once('spawn', () => {
        if (opts.nice) lowerPriority(child.pid, opts.nice);
        child.unref();
        resolve();
      });
    });
  }

  /** Like run, but a non-zero exit becomes an Error carrying the command's stderr. */
  async runChecked(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const res = await this.run(command, args, opts);
    if (res.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
    return res;
  }

  async toolChecked(tool: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const res = await this.tool(tool, args, opts);
    if (res.code !== 0) throw new Error(`${tool} failed (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
    return res;
  }

  /**
   * Creates a directory (and parents, with the default 0755) and gives the leaf to the cluster
   * owner with `mode`.
   */
  async ensureOwnedDir(path: string, mode = 0o700): Promise<void> {
    await mkdir(path, { recursive: true });
    const who = await this.runsAs();
    if (who) await chown(path, who.uid, who.gid);
    await chmod(path, mode);
  }

  /** Hands a file we created to the cluster owner (no-op when not root). */
  async giveToOwner(path: string, recursive = false): Promise<void> {
    const who = await this.runsAs();
    if (!who) return;
    await chown(path, who.uid, who.gid);
    if (!recursive) return;
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await this.giveToOwner(child, true);
      else await chown(child, who.uid, who.gid);
    }
  }

  /** Throws a clear error when the cluster owner cannot write into `dir` (e.g. a parent is 0700 root). */
  async assertOwnerCanWrite(dir: string): Promise<void> {
    const res = await this.run('/bin/sh', ['-c', 'test -d "$1" && test -w "$1" && test -x "$1"', 'sh', dir]);
    if (res.code !== 0) {
      const who = (await this.runsAs()) ? `OS user "${this.osUser}"` : 'this process';
      throw new Error(`${dir} is not writable by ${who}; make it and every parent directory reachable by that user`);
    }
  }
}

/** Best effort: a process that is already gone, or a platform that refuses, keeps its priority. */
function lowerPriority(pid: number | undefined, nice: number): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, nice);
  } catch {
    // the priority is an optimisation only
  }
}

async function resolveIdentity(user: string): Promise<Identity | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('getent', ['passwd', user], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (text += c));
    child.on('error', reject);
    child.on('close', () => resolve(text.trim()));
  });
  const fields = out.split(':');
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!out || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(`running as root, but OS user "${user}" does not exist; PostgreSQL refuses to run as root, so create that user or run Rewind as a non-root user`);
  }
  if (uid === 0) throw new Error(`OS user "${user}" is root; PostgreSQL refuses to run as root`);
  return { uid, gid, home: fields[5] || '/' };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the caller must tolerate a race). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export type ClusterStatus = 'running' | 'stopped' | 'missing';

/** `pg_ctl start -w`; resolves with whether the server is up and pg_ctl's output for errors. */
export async function pgCtlStart(
  runner: PgProcessRunner,
  opts: { dataDir: string; logFile: string; timeoutSec?: number },
): Promise<{ ok: boolean; output: string }> {
  const res = await runner.tool('pg_ctl', ['start', '-w', '-t', String(opts.timeoutSec ?? 60), '-D', opts.dataDir, '-l', opts.logFile]);
  return { ok: res.code === 0, output: `${res.stdout}${res.stderr}`.trim() };
}

/** `pg_ctl stop -w`; a server that is not running counts as stopped. Falls back to immediate. */
export async function pgCtlStop(runner: PgProcessRunner, dataDir: string, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  if ((await pgCtlStatus(runner, dataDir)) !== 'running') return;
  const res = await runner.tool('pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', dataDir]);
  if (res.code === 0 || (await pgCtlStatus(runner, dataDir)) !== 'running') return;
  if (mode === 'fast') return pgCtlStop(runner, dataDir, 'immediate');
  throw new Error(`pg_ctl stop failed for ${dataDir}: ${res.stderr.trim()}`);
}

export async function pgCtlStatus(runner: PgProcessRunner, dataDir: string): Promise<ClusterStatus> {
  if (!existsSync(dataDir)) return 'missing';
  const res = await runner.tool('pg_ctl', ['status', '-D', dataDir]);
  if (res.code === 0) return 'running';
  if (res.code === 4) return 'missing';
  return 'stopped';
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** The last `bytes` of a log file as text ('' when absent). */
export async function readTail(file: string, bytes = 64 * 1024): Promise<string> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
