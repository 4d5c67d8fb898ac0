import { isAbsolute, join, resolve } from 'node:path';
import { RewindError } from '../recovery/errors';

/**
 * Everything `npm run demo` can be told through the environment. Defaults give the layout the
 * README describes: console on 3000, bot on 3001, demo app on 3100, demo source on 55432, state
 * under `.rewind/demo`, Rewind's own store in the machine's PostgreSQL database `rewind_demo`
 * (not an installation's default `rewind`, so trying the demo never mixes runs into a real store).
 */
export interface DemoSettings {
  /** The repository (where config/demo.yml lives). */
  repoRoot: string;
  /** Absolute directory holding the source cluster, archive, backups, restores and logs. */
  dir: string;
  /** `dir` as the user wrote it, for messages. */
  shownDir: string;
  consolePort: number;
  botPort: number;
  appPort: number;
  sourcePort: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** Milliseconds between inserts of the write load. */
  writeIntervalMs: number;
  /** The source's archive_timeout: how old the newest restorable time can get while writing. */
  archiveTimeoutSec: number;
  /** Orders the demo dataset starts with. */
  seedOrders: number;
  /** Valid base backups kept; older backups and the WAL only they needed are deleted. */
  keepBackups: number;
}

export interface DemoVariable {
  name: string;
  default: string;
  description: string;
}

/** Documented in the README's "Embedded default" section; keep both in step. */
export const DEMO_VARIABLES: DemoVariable[] = [
  { name: 'REWIND_DEMO_PORT', default: '3000', description: 'the console (the Slack-like page you open)' },
  { name: 'REWIND_DEMO_BOT_PORT', default: '3001', description: "Rewind's bot: /slack/events, /healthz, /metrics" },
  { name: 'REWIND_DEMO_APP_PORT', default: '3100', description: 'the demo application that the cutover switches' },
  { name: 'REWIND_DEMO_PG_PORT', default: '55432', description: 'the demo source PostgreSQL cluster' },
  { name: 'REWIND_DEMO_DIR', default: '.rewind/demo', description: 'where the demo keeps its clusters, WAL archive, backups and logs' },
  { name: 'REWIND_DEMO_WRITE_MS', default: '200', description: 'milliseconds between the write load\'s inserts' },
  { name: 'REWIND_DEMO_ARCHIVE_TIMEOUT', default: '10', description: 'archive_timeout of the source in seconds (how fresh "latest" is)' },
  { name: 'REWIND_DEMO_SEED_ORDERS', default: '5000', description: 'orders a new demo database starts with' },
  { name: 'REWIND_DEMO_KEEP_BACKUPS', default: '6', description: 'base backups kept (3 h at one every 30 min); older ones and the WAL only they needed are deleted' },
  { name: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:5432/rewind_demo', description: "Rewind's own store for the demo (created if missing; apart from an installation's default rewind database)" },
  { name: 'REDIS_URL', default: 'redis://127.0.0.1:6379', description: 'Redis for the step queue' },
];

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number, what: string, problems: string[]): number {
  const raw = env[name];
  if (blank(raw)) return fallback;
  const text = raw.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    problems.push(`${name}: expected ${what} ${min}-${max}, got "${raw}"`);
    return fallback;
  }
  return n;
}

/** Reads and checks the demo's settings; every mistake is named with the variable and the fix. */
export function demoSettings(env: Record<string, string | undefined>, repoRoot: string, cwd = process.cwd()): DemoSettings {
  const problems: string[] = [];
  const port = (name: string, fallback: number) => integer(env, name, fallback, 1, 65535, 'a port number', problems);
  const consolePort = port('REWIND_DEMO_PORT', 3000);
  const botPort = port('REWIND_DEMO_BOT_PORT', 3001);
  const appPort = port('REWIND_DEMO_APP_PORT', 3100);
  const sourcePort = port('REWIND_DEMO_PG_PORT', 55432);
  const writeIntervalMs = integer(env, 'REWIND_DEMO_WRITE_MS', 200, 10, 60_000, 'milliseconds', problems);
  const archiveTimeoutSec = integer(env, 'REWIND_DEMO_ARCHIVE_TIMEOUT', 10, 1, 3600, 'seconds', problems);
  const seedOrders = integer(env, 'REWIND_DEMO_SEED_ORDERS', 5000, 1, 10_000_000, 'a number of rows', problems);
  const keepBackups = integer(env, 'REWIND_DEMO_KEEP_BACKUPS', 6, 1, 10_000, 'a number of backups', problems);
  const ports: Array<[string, number]> = [
    ['REWIND_DEMO_PORT', consolePort],
    ['REWIND_DEMO_BOT_PORT', botPort],
    ['REWIND_DEMO_APP_PORT', appPort],
    ['REWIND_DEMO_PG_PORT', sourcePort],
  ];
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const [a, pa] = ports[i] as [string, number];
      const [b, pb] = ports[j] as [string, number];
      if (pa === pb) problems.push(`${a} and ${b} are both ${pa}; give each its own port`);
    }
  }
  const databaseUrl = blank(env.DATABASE_URL) ? 'postgres://postgres@127.0.0.1:5432/rewind_demo' : env.DATABASE_URL.trim();
  const redisUrl = blank(env.REDIS_URL) ? 'redis://127.0.0.1:6379' : env.REDIS_URL.trim();
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL: expected a URL like "postgres://postgres@127.0.0.1:5432/rewind"');
  if (!/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL: expected a URL like "redis://127.0.0.1:6379"');
  const queuePrefix = blank(env.REWIND_QUEUE_PREFIX) ? 'rewind-demo' : env.REWIND_QUEUE_PREFIX.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(queuePrefix)) problems.push(`REWIND_QUEUE_PREFIX: expected letters, digits, "-" or "_", got "${queuePrefix}"`);
  const shownDir = blank(env.REWIND_DEMO_DIR) ? join('.rewind', 'demo') : env.REWIND_DEMO_DIR.trim();
  if (problems.length > 0) {
    throw new RewindError({ code: 'DEMO_SETTINGS_INVALID', userMessage: `The demo cannot start:\n  ${problems.join('\n  ')}` });
  }
  return {
    repoRoot,
    dir: isAbsolute(shownDir) ? shownDir : resolve(cwd, shownDir),
    shownDir,
    consolePort,
    botPort,
    appPort,
    sourcePort,
    databaseUrl,
    redisUrl,
    queuePrefix,
    writeIntervalMs,
    archiveTimeoutSec,
    seedOrders,
    keepBackups,
  };
}
