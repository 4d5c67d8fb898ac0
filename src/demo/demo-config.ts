import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/load';
import type { DatabaseConfig, RewindConfig } from '../config/schema';
import { RewindError } from '../recovery/errors';
import type { DemoSettings } from './demo-settings';

export const DEMO_DATABASE = 'demo-db';
/** The state directory and app port config/demo.yml is written for; the settings move both. */
const YML_DIR = join('.rewind', 'demo');
const YML_APP_PORT = '3100';

export type LocalDemoDatabase = Extract<DatabaseConfig, { provider: 'local-postgres' }>;

export interface DemoConfig {
  config: RewindConfig;
  db: LocalDemoDatabase;
  /** Absolute paths the demo creates and reads. */
  dataDir: string;
  archiveDir: string;
  backupDir: string;
  restoreRoot: string;
  connectionFile: string;
  /** Database inside the source cluster that holds the demo data. */
  database: string;
}

export function demoConfigPath(repoRoot: string): string {
  return join(repoRoot, 'config', 'demo.yml');
}

/**
 * Loads config/demo.yml and moves it to the settings: paths under `.rewind/demo/` go under the
 * demo directory (other relative paths stay relative to the repository), the source's port is
 * the demo's, and URLs aimed at the demo app's default port follow REWIND_DEMO_APP_PORT.
 */
export function loadDemoConfig(settings: DemoSettings): DemoConfig {
  const path = demoConfigPath(settings.repoRoot);
  const loaded = loadConfig(path);
  const found = loaded.databases[DEMO_DATABASE];
  if (!found || found.provider !== 'local-postgres') {
    throw new RewindError({ code: 'DEMO_CONFIG_INVALID', userMessage: `${path}: the demo needs a database "${DEMO_DATABASE}" with provider local-postgres.` });
  }
  const place = (p: string) => rebase(p, settings);
  const source = {
    ...found.source,
    archiveDir: place(found.source.archiveDir),
    backupDir: place(found.source.backupDir),
    restoreRoot: place(found.source.restoreRoot),
    dataDir: place(found.source.dataDir ?? join(YML_DIR, 'source')),
    host: '127.0.0.1',
    port: settings.sourcePort,
    user: found.source.user ?? 'postgres',
    database: found.source.database ?? 'demo',
  };
  const cutover = found.cutover.map((c) => (c.type === 'connection-file' ? { ...c, path: place(c.path), ...(c.reloadUrl ? { reloadUrl: movePort(c.reloadUrl, settings) } : {}) } : c));
  const healthChecks = found.healthChecks.map((h) => (h.type === 'http' ? { ...h, url: movePort(h.url, settings) } : h));
  const db: LocalDemoDatabase = { ...found, source, cutover, healthChecks };
  const file = cutover.find((c) => c.type === 'connection-file');
  if (!file || file.type !== 'connection-file') {
    throw new RewindError({ code: 'DEMO_CONFIG_INVALID', userMessage: `${path}: ${DEMO_DATABASE} needs a connection-file cutover; the demo app reads its DATABASE_URL from that file.` });
  }
  return {
    config: { ...loaded, databases: { ...loaded.databases, [DEMO_DATABASE]: db } },
    db,
    dataDir: source.dataDir,
    archiveDir: source.archiveDir,
    backupDir: source.backupDir,
    restoreRoot: source.restoreRoot,
    connectionFile: file.path,
    database: source.database,
  };
}

function rebase(p: string, settings: DemoSettings): string {
  if (isAbsolute(p)) return p;
  const inside = relative(YML_DIR, p);
  if (!inside.startsWith('..') && !isAbsolute(inside)) return join(settings.dir, inside);
  return resolve(settings.repoRoot, p);
}

function movePort(url: string, settings: DemoSettings): string {
  const u = new URL(url);
  if (u.port !== YML_APP_PORT || !['127.0.0.1', 'localhost'].includes(u.hostname)) return url;
  u.port = String(settings.appPort);
  return u.toString();
}
