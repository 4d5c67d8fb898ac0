import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { startConsole, type RunningConsole } from '../console/console-server';
import { providersFromConfig } from '../main/providers-from-config';
import { startServices, type Services } from '../main/services';
import { mountSlack, type MountedSlack } from '../main/slack-mount';
import { LOG_LEVELS } from '../config/env';
import { createLogger, type LogLevel } from '../observability/logger';
import { writeFileAtomic } from '../providers/local/backup-catalog';
import type { LocalPostgresRecoverySource } from '../providers/local/local-recovery-source';
import { PgProcessRunner, pgCtlStatus } from '../providers/local/pg-process';
import type { SourceCluster } from '../providers/local/source-cluster';
import { RewindError } from '../recovery/errors';
import { BackupSchedule } from './backup-schedule';
import { CleanupStack } from './cleanup-stack';
import { DEMO_DATABASE, loadDemoConfig, type DemoConfig } from './demo-config';
import { ensureDataset, sourceUrl } from './demo-dataset';
import { acquireDemoLock } from './demo-lock';
import { startDemoApp, type RunningDemoApp } from './demo-app';
import { describeRestoredClusters, listRestoredClusters } from './demo-restores';
import { DemoRetention, describeRetention } from './demo-retention';
import { DEMO_CHANNEL, DEMO_PEOPLE, RESET_HINT, markDemoDir } from './demo-layout';
import type { DemoSettings } from './demo-settings';
import { prepareDemoSource } from './demo-source';
import { assertPgBinaries, assertPortsFree, assertRedis, ensureStoreDatabase, hostOf } from './prerequisites';
import { abortLeftoverRuns } from './leftover-runs';
import { WriteLoad } from './write-load';

export const LOCAL_BOT_TOKEN = 'xoxb-rewind-local';

export interface DemoOptions {
  settings: DemoSettings;
  /** Prints one line for the person at the terminal. */
  say: (line: string) => void;
  /** Aborted by Ctrl-C during start-up: whatever started is stopped again. */
  signal?: AbortSignal;
}

export interface RunningDemo {
  consoleUrl: string;
  botUrl: string;
  appUrl: string;
  config: DemoConfig;
  source: SourceCluster;
  provider: LocalPostgresRecoverySource;
  services: Services;
  console: RunningConsole;
  app: RunningDemoApp;
  writeLoad: WriteLoad;
  /** Stops everything; returns the lines to print (restored clusters kept) and the failures. */
  stop(): Promise<{ lines: string[]; failures: string[] }>;
}

/**
 * Starts the embedded default: checks the machine, creates or reuses the demo source cluster
 * with its data, write load and base backups, then the demo app, the local console and
 * Rewind's bot + worker. A failure or an abort part-way stops what had started.
 */
export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const { settings: s, say } = o;
  const shown = (p: string) => (p.startsWith(s.repoRoot) ? relative(process.cwd(), p) || '.' : p);
  const stack = new CleanupStack();
  const step = () => {
    if (o.signal?.aborted) throw new RewindError({ code: 'DEMO_ABORTED', userMessage: 'Start-up interrupted; everything started so far was stopped.' });
  };
  try {
    const dc = loadDemoConfig(s);
    assertPgBinaries();
    const runner = new PgProcessRunner();
    await runner.ensureOwnedDir(s.dir, 0o755);
    await runner.assertOwnerCanWrite(s.dir).catch((err: Error) => {
      throw new RewindError({ code: 'DEMO_PREREQUISITE', userMessage: `${err.message}. PostgreSQL runs as that user; set REWIND_DEMO_DIR to a directory it can reach, e.g. REWIND_DEMO_DIR=/var/tmp/rewind-demo npm run demo` });
    });
    const lock = await acquireDemoLock(s.dir, s.shownDir);
    stack.push('the demo lock', () => lock.release());
    await markDemoDir(s.dir);
    const [store] = await Promise.all([ensureStoreDatabase(s.databaseUrl), assertRedis(s.redisUrl)]);
    say(`✓ PostgreSQL ${hostOf(s.databaseUrl)}: Rewind's store in database "${store.name}"${store.created ? ' (created)' : ''}`);
    say(`✓ Redis ${hostOf(s.redisUrl)}`);
    const sourceUp = (await pgCtlStatus(runner, dc.dataDir)) === 'running';
    await assertPortsFree([
      { port: s.consolePort, what: 'the console', variable: 'REWIND_DEMO_PORT' },
      { port: s.botPort, what: "Rewind's bot", variable: 'REWIND_DEMO_BOT_PORT' },
      { port: s.appPort, what: 'the demo app', variable: 'REWIND_DEMO_APP_PORT' },
      ...(sourceUp ? [] : [{ port: s.sourcePort, what: 'the demo source cluster', variable: 'REWIND_DEMO_PG_PORT' }]),
    ]);
    step();

    const src = await prepareDemoSource({ runner, dir: s.dir, dataDir: dc.dataDir, archiveDir: dc.archiveDir, port: s.sourcePort, archiveTimeoutSec: s.archiveTimeoutSec, resetHint: RESET_HINT });
    stack.push('the demo source cluster', () => src.cluster.stop());
    const how = { created: 'created', started: 'started', running: 'was still running; reused' }[src.state];
    say(`✓ demo source cluster ${how}: ${shown(dc.dataDir)} on port ${s.sourcePort}, archiving WAL to ${shown(dc.archiveDir)} (archive_timeout ${s.archiveTimeoutSec}s)`);
    const data = await ensureDataset(s.sourcePort, dc.database, s.seedOrders);
    const writeLoad = new WriteLoad({ url: sourceUrl(s.sourcePort, dc.database), intervalMs: s.writeIntervalMs, onTrouble: say });
    writeLoad.start();
    stack.push('the write load', () => writeLoad.stop());
    say(`✓ demo data: ${data.orders.toLocaleString('en-US')} orders${data.seeded ? ' (new)' : ''} in database "${dc.database}"; one more every ${s.writeIntervalMs} ms`);
    step();

    const providers = providersFromConfig(dc.config);
    const provider = providers(DEMO_DATABASE).source as LocalPostgresRecoverySource;
    const cron = dc.db.source.backupSchedule ?? '*/30 * * * *';
    // Prunes after each verified backup once Rewind's store is up (it tells whether a run is active).
    const retention = new DemoRetention({ provider, archiveDir: dc.archiveDir, restoreRoot: dc.restoreRoot, database: DEMO_DATABASE, keep: s.keepBackups, say });
    const backups = new BackupSchedule({
      cron,
      timezone: dc.config.timezone,
      take: () => provider.takeBackup(),
      onBackup: async (b) => {
        say(`✓ base backup ${b.id} (${((b.sizeBytes ?? 0) / 1e6).toFixed(0)} MB, ${b.valid ? 'verified' : `FAILED verification: ${b.note ?? ''}`})`);
        if (b.valid) await retention.prune();
      },
      onError: (err) => say(`✗ base backup failed: ${err instanceof RewindError ? err.userMessage : (err as Error).message}`),
    });
    await backups.backupNow();
    backups.start();
    stack.push('the backup schedule', () => backups.stop());
    say(describeRetention(s.keepBackups, backups.period(), cron));
    step();

    await writeFileAtomic(dc.connectionFile, `# The demo app's database; Rewind's cutover rewrites DATABASE_URL.\nDATABASE_URL=${sourceUrl(s.sourcePort, dc.database)}\n`);
    const app = await startDemoApp({ port: s.appPort, connectionFile: dc.connectionFile });
    stack.push('the demo app', () => app.close());
    say(`✓ demo app ${app.url}: reads DATABASE_URL from ${shown(dc.connectionFile)} (now the source)`);
    step();

    const signingSecret = randomBytes(24).toString('hex');
    const consoleApp = await startConsole({
      port: s.consolePort,
      botEventsUrl: `http://127.0.0.1:${s.botPort}/slack/events`,
      signingSecret,
      users: DEMO_PEOPLE,
      channel: DEMO_CHANNEL,
    });
    stack.push('the console', () => consoleApp.close());
    step();

    const logFile = join(s.dir, 'rewind.log');
    const level = (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? '') ? (process.env.LOG_LEVEL as LogLevel) : 'info';
    let slack: MountedSlack | undefined;
    const services = await startServices({
      env: {
        DATABASE_URL: s.databaseUrl,
        REDIS_URL: s.redisUrl,
        REWIND_QUEUE_PREFIX: s.queuePrefix,
        SLACK_API_URL: `${consoleApp.url}/api/`,
        SLACK_BOT_TOKEN: LOCAL_BOT_TOKEN,
        SLACK_SIGNING_SECRET: signingSecret,
        LOG_LEVEL: level,
        PORT: String(s.botPort),
      },
      config: dc.config,
      providers,
      logger: createLogger({ level, destination: pino.destination({ dest: logFile, sync: true, mkdir: true }) }),
      worker: true,
      port: s.botPort,
      mount: async (http, rt) => {
        slack = await mountSlack(http, rt, { token: LOCAL_BOT_TOKEN, signingSecret, apiUrl: `${consoleApp.url}/api/` });
      },
    });
    stack.push("Rewind's bot and worker", () => services.stop());
    const mounted = slack;
    if (mounted) stack.push("Rewind's Slack workers", () => mounted.stop());
    const botUrl = `http://127.0.0.1:${services.http.port}`;
    say(`✓ Rewind bot + worker ${botUrl} (/healthz, /metrics; log in ${shown(logFile)})`);
    for (const line of await abortLeftoverRuns(services.runtime, DEMO_DATABASE)) say(line);
    retention.attachStore(services.runtime.pool);
    await retention.prune();
    step();
    say(`✓ console ${consoleApp.url}`);

    return {
      consoleUrl: consoleApp.url,
      botUrl,
      appUrl: app.url,
      config: dc,
      source: src.cluster,
      provider,
      services,
      console: consoleApp,
      app,
      writeLoad,
      stop: async () => {
        const failures = await stack.unwind();
        const restored = await listRestoredClusters(runner, dc.restoreRoot).catch(() => []);
        return { lines: await describeRestoredClusters(runner, restored, RESET_HINT), failures };
      },
    };
  } catch (err) {
    const failures = await stack.unwind();
    for (const f of failures) say(`✗ ${f}`);
    throw err;
  }
}
