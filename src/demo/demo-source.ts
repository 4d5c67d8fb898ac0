import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveCommandFor, SourceCluster } from '../providers/local/source-cluster';
import { pgCtlStatus, readTail, type PgProcessRunner } from '../providers/local/pg-process';
import { appendSettings, confString, type SettingValue } from '../providers/local/pg-settings';
import { RewindError } from '../recovery/errors';

export interface DemoSourceOptions {
  runner: PgProcessRunner;
  /** The demo's state directory (logs and the socket directory go here). */
  dir: string;
  dataDir: string;
  archiveDir: string;
  port: number;
  archiveTimeoutSec: number;
  /** How to undo a broken state directory, for messages. */
  resetHint: string;
}

export interface DemoSource {
  cluster: SourceCluster;
  /** created: initdb just now; started: an existing cluster was started; running: it was already up. */
  state: 'created' | 'started' | 'running';
  logFile: string;
}

const MAX_SOCKET_PATH = 100;

/**
 * The socket directory: next to the cluster when the socket path fits the kernel's limit,
 * otherwise a short per-directory path under /tmp.
 */
function socketDirFor(dir: string, port: number): string {
  const local = join(dir, 'socket');
  if (`${local}/.s.PGSQL.${port}`.length <= MAX_SOCKET_PATH) return local;
  return join('/tmp', `rewind-demo-${createHash('sha256').update(dir).digest('hex').slice(0, 10)}`);
}

/** The value the server will use for `name`: the last assignment in postgresql.auto.conf. */
function lastSetting(autoConf: string, name: string): string | undefined {
  const all = [...autoConf.matchAll(new RegExp(`^${name} = (.*)$`, 'gm'))];
  return all[all.length - 1]?.[1]?.trim();
}

function rendered(value: SettingValue): string {
  return typeof value === 'number' ? String(value) : typeof value === 'boolean' ? (value ? 'on' : 'off') : confString(value);
}

/**
 * Creates the demo source cluster (WAL archiving with 1 MB segments, so a short archive_timeout
 * stays cheap) or reuses the one in `dataDir`, moving it to the requested port and archive, and
 * starts it. A cluster that will not start is reported with its log and how to start over.
 */
export async function prepareDemoSource(o: DemoSourceOptions): Promise<DemoSource> {
  const { runner } = o;
  const socketDir = socketDirFor(o.dir, o.port);
  const logFile = join(o.dir, 'source.log');
  const settings: Record<string, SettingValue> = {
    port: o.port,
    archive_command: archiveCommandFor(o.archiveDir),
    archive_timeout: o.archiveTimeoutSec,
    unix_socket_directories: socketDir,
  };
  const exists = existsSync(join(o.dataDir, 'PG_VERSION'));
  if (!exists) {
    const cluster = await SourceCluster.create({
      runner,
      dataDir: o.dataDir,
      archiveDir: o.archiveDir,
      socketDir,
      logFile,
      port: o.port,
      archiveTimeoutSec: o.archiveTimeoutSec,
      initdbArgs: ['--wal-segsize=1'],
      extraSettings: { log_min_messages: 'warning', checkpoint_timeout: '5min' },
    });
    await startOrExplain(cluster, o);
    return { cluster, state: 'created', logFile };
  }
  await runner.ensureOwnedDir(socketDir);
  await runner.ensureOwnedDir(o.archiveDir, 0o750);
  const cluster = SourceCluster.attach({ runner, dataDir: o.dataDir, archiveDir: o.archiveDir, port: o.port, socketDir, logFile });
  const status = await pgCtlStatus(runner, o.dataDir);
  const autoConf = await readFile(join(o.dataDir, 'postgresql.auto.conf'), 'utf8');
  const changed = Object.fromEntries(Object.entries(settings).filter(([k, v]) => lastSetting(autoConf, k) !== rendered(v)));
  if (status === 'running') {
    if (Object.keys(changed).length === 0) return { cluster, state: 'running', logFile };
    // Left running by a demo that did not stop cleanly, with other settings: restart with ours.
    await cluster.stop();
  }
  if (Object.keys(changed).length > 0) await appendSettings(o.dataDir, changed, 'settings of this npm run demo');
  await startOrExplain(cluster, o);
  return { cluster, state: 'started', logFile };
}

async function startOrExplain(cluster: SourceCluster, o: DemoSourceOptions): Promise<void> {
  try {
    await cluster.start();
  } catch (err) {
    const tail = (await readTail(cluster.logFile, 2000)).trim().split('\n').slice(-6).join('\n    ');
    throw new RewindError({
      code: 'DEMO_SOURCE_START_FAILED',
      userMessage: `The demo source cluster in ${o.dataDir} did not start (${(err as Error).message.split('\n')[0]}).\n  Last lines of ${cluster.logFile}:\n    ${tail}\n  To start over with a fresh demo: ${o.resetHint}`,
      cause: err,
    });
  }
}
