import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, PgProcessRunner, pgCtlStop } from '../../../src/providers/local/pg-process';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { TEST_REDIS_URL } from '../../support/env';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * The command `npm run demo` runs, read from package.json and run without npm in between, so
 * signals reach the demo itself and its exit code is the one observed (npm's `sh -c` would
 * neither forward a SIGTERM nor keep the code).
 */
export function demoCommand(): { command: string; args: string[] } {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts.demo;
  if (!script || /[|&;<>$`"']/.test(script)) throw new Error(`package.json's demo script is missing or not a plain command: ${script}`);
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node') throw new Error(`expected the demo script to start with node, got ${script}`);
  return { command: process.execPath, args };
}

/** One `npm run demo` in its own directory, store database and ports, as a user would run it. */
export interface DemoProcess {
  dir: string;
  ports: { console: number; bot: number; app: number; source: number };
  env: Record<string, string>;
  db: TestDatabase;
  child?: ChildProcess;
  output(): string;
  /** Starts `npm run demo` (args after `--`); resolves once `ready` matches the output. */
  start(args?: string[], extraEnv?: Record<string, string>): Promise<void>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
  /** Stops any cluster left in the directory, deletes it, drops the store database. */
  cleanup(): Promise<void>;
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await findFreePort());
  return [...ports];
}

export async function createDemoProcess(label: string): Promise<DemoProcess> {
  const dir = await mkdtemp(join(tmpdir(), `rw-demo-${label}-`));
  // PostgreSQL runs as the postgres OS user, which must reach the directory.
  await chmod(dir, 0o755);
  const db = await createTestDatabase(`demo_${label}`);
  const [consolePort, botPort, appPort, sourcePort] = (await distinctFreePorts(4)) as [number, number, number, number];
  const env: Record<string, string> = {
    REWIND_DEMO_DIR: join(dir, 'demo'),
    REWIND_DEMO_PORT: String(consolePort),
    REWIND_DEMO_BOT_PORT: String(botPort),
    REWIND_DEMO_APP_PORT: String(appPort),
    REWIND_DEMO_PG_PORT: String(sourcePort),
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REWIND_QUEUE_PREFIX: `rwdemo${randomBytes(3).toString('hex')}`,
  };
  let out = '';
  let child: ChildProcess | undefined;
  let exit: Promise<number | null> = Promise.resolve(null);
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = out.match(pattern);
      if (m) return m;
      if (child && child.exitCode !== null) throw new Error(`npm run demo exited (${child.exitCode}) before printing ${pattern}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`npm run demo did not print ${pattern} within ${timeoutMs} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const demo: DemoProcess = {
    dir: join(dir, 'demo'),
    ports: { console: consolePort, bot: botPort, app: appPort, source: sourcePort },
    env,
    db,
    get child() {
      return child;
    },
    output: () => out,
    async start(args = [], extraEnv = {}) {
      out = '';
      const cmd = demoCommand();
      child = spawn(cmd.command, [...cmd.args, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, ...extraEnv, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const c = child;
      c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      exit = new Promise((resolve) => c.on('exit', (code) => resolve(code)));
    },
    waitFor,
    async stop(signal = 'SIGTERM') {
      child?.kill(signal);
      return exit;
    },
    exited: () => exit,
    async cleanup() {
      if (child && child.exitCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
      const runner = new PgProcessRunner();
      const restores = join(dir, 'demo', 'restores');
      for (const name of await readdir(restores).catch(() => [] as string[])) await pgCtlStop(runner, join(restores, name, 'data'), 'immediate').catch(() => undefined);
      await pgCtlStop(runner, join(dir, 'demo', 'source'), 'immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await db.drop();
    },
  };
  return demo;
}

/** GET a URL until it answers `status` (default 200). */
export async function waitForHttp(url: string, timeoutMs = 30_000, status = 200): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.status === status) return res;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
