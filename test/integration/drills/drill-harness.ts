import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Pool } from 'pg';
import { checkWindowProcessor } from '../../../jobs/check-window';
import { drillJobProcessor } from '../../../jobs/drill-jobs';
import { drillSmokeProcessor, type SmokeTest } from '../../../jobs/drill-smoke';
import { gateProcessor } from '../../../jobs/gate';
import { restoreProcessor } from '../../../jobs/restore';
import { teardownProcessor } from '../../../jobs/teardown';
import { validateProcessor } from '../../../jobs/validate';
import { waitAvailableProcessor } from '../../../jobs/wait-available';
import { parseConfig } from '../../../src/config/load';
import type { RewindConfig } from '../../../src/config/schema';
import { ConsoleInteractions } from '../../../src/console/console-interactions';
import type { Drill } from '../../../src/drills/drill';
import { drillRunObserver } from '../../../src/drills/drill-observer';
import { DrillService } from '../../../src/drills/drill-service';
import { buildEngine, startWorker, type Engine, type RunningWorker } from '../../../src/main/engine-factory';
import { migrate } from '../../../src/persistence/migrate';
import { PgDrillStore } from '../../../src/persistence/drill-store';
import type { DatabaseProviders } from '../../../src/providers/ports';
import { BullmqDrillJobs } from '../../../src/queue/drill-queue';
import { createDrillWorker } from '../../../src/queue/drill-worker';
import { createRedis } from '../../../src/queue/redis-connection';
import type { Run, RunStatus } from '../../../src/recovery/run';
import { registry } from '../../../src/recovery/step-processor';
import type { StepPolicy } from '../../../src/recovery/step-policy';
import { incidentCommanderOf } from '../../../src/slack/channel-context';
import { SlackDrillAnnouncer } from '../../../src/slack/drill-announcer';
import { registerDrillHandlers } from '../../../src/slack/drill-handlers';
import { startFakeSlack, type FakeSlackOptions, type RunningFakeSlack } from '../../fakes/slack-api';
import { countingProviders, createProviderTables } from '../../support/counting-providers';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { quietLogger } from '../../support/engine-harness';
import { TEST_REDIS_URL } from '../../support/env';
import { webClient } from '../console/web-client';
import { waitFor } from '../../support/wait';

/**
 * Drills against real PostgreSQL and Redis: the engine with the real step processors (over the
 * counting providers unless a test brings its own), the drills queue and worker, the Slack
 * announcer talking to the fake Slack Web API, and a clock the test sets. Runs themselves are
 * timed by PostgreSQL's clock; the drill clock only decides slots, start times and compliance.
 */

export const OPERATOR = 'U0OPERATOR1';
export const APPROVER = 'U0APPROVER1';
export const IC = 'U0INCIDENT1';
export const STRANGER = 'U0STRANGER1';
export const CHANNEL = 'C0DRILLS01';
export const SECRET = 'drills-test-signing-secret';
export const WINDOW = { earliest: new Date('2024-04-01T00:00:00Z'), latest: new Date(Date.now() - 90_000) };

export function drillConfigYaml(drills: string, extraDatabases = ''): string {
  return `
timezone: UTC
channels:
  ${CHANNEL}:
    incidentCommander: ${IC}
databases:
  orders-db:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [${OPERATOR}]
    approvers: [${APPROVER}]
    source: { instanceId: orders-db, region: eu-central-1 }
    validation:
      - { name: orders-not-empty, sql: select count(*) from orders, expect: { op: ">", value: 0 } }
    drills:
${drills
  .trim()
  .split('\n')
  .map((l) => `      ${l.trim()}`)
  .join('\n')}
${extraDatabases}`;
}

export const DEFAULT_DRILLS = `
schedule: "0 3 * * 1"
channel: ${CHANNEL}
policy: 90d
announceBefore: 2s`;

export const passingSmoke: SmokeTest = async () => ({ name: 'smoke test', passed: true, value: '42 catalog entries, write ok', expected: 'promoted, readable and writable' });

export interface Clock {
  now(): Date;
  set(d: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string): Clock {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), set: (d) => void (t = new Date(d).getTime()), advance: (ms) => void (t += ms) };
}

export interface DrillHarness {
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
  prefix: string;
  config: RewindConfig;
  engine: Engine;
  jobs: BullmqDrillJobs;
  store: PgDrillStore;
  service: DrillService;
  slack: RunningFakeSlack;
  clock: Clock;
  startWorkers(): void;
  /** A Bolt app with the drill handlers, and the console that clicks and submits like Slack. */
  startBolt(): Promise<ConsoleInteractions>;
  waitForRun(runId: string, statuses: RunStatus[], ms?: number): Promise<Run>;
  waitForDrill(id: string, test: (d: Drill) => boolean, what: string, ms?: number): Promise<Drill>;
  messages(): ReturnType<RunningFakeSlack['slack']['messages']>;
  resources(): Promise<Array<{ name: string; discarded: boolean }>>;
  audit(action: string): Promise<Array<{ actor: string; detail: Record<string, unknown> }>>;
  close(): Promise<void>;
}

export { waitFor };

export async function createDrillHarness(o: { yaml?: string; providers?: (pool: Pool) => DatabaseProviders; smoke?: SmokeTest; now?: string; policies?: Record<string, Partial<StepPolicy>>; retryAfterIncidentMs?: number; observe?: boolean; slack?: FakeSlackOptions } = {}): Promise<DrillHarness> {
  const db = await createTestDatabase('drills');
  const pool = new Pool({ connectionString: db.url, max: 10 });
  await migrate(pool);
  await createProviderTables(pool);
  const config = parseConfig(o.yaml ?? drillConfigYaml(DEFAULT_DRILLS));
  const built = o.providers ? o.providers(pool) : countingProviders(pool, { window: WINDOW, pollsUntilAvailable: 1 });
  const providers = () => built;
  const slack = await startFakeSlack({
    ...o.slack,
    workspace: {
      users: [
        { id: OPERATOR, name: 'olivia' },
        { id: APPROVER, name: 'april' },
        { id: IC, name: 'ian' },
        { id: STRANGER, name: 'sam' },
      ],
      channels: [{ id: CHANNEL, name: 'drills' }],
    },
  });
  const client = webClient(slack.apiUrl, slack.token);
  const redis = createRedis(TEST_REDIS_URL);
  const prefix = `rwdrill-${randomBytes(4).toString('hex')}`;
  const jobs = new BullmqDrillJobs(redis, prefix);
  const processors = registry(
    gateProcessor,
    checkWindowProcessor(providers),
    restoreProcessor(providers),
    waitAvailableProcessor(providers),
    validateProcessor(providers),
    drillSmokeProcessor(providers, o.smoke ?? passingSmoke),
    teardownProcessor(providers),
  );
  const engine = buildEngine({ pool, redis, prefix, processors, observer: o.observe === false ? undefined : drillRunObserver(jobs, quietLogger), leaseMs: 2000, logger: quietLogger, policies: o.policies });
  const clock = testClock(o.now ?? '2024-05-06T02:59:58Z');
  const store = new PgDrillStore(pool);
  const service = new DrillService({
    config,
    store,
    announcer: new SlackDrillAnnouncer({ client, config, now: clock.now }),
    jobs,
    engine: engine.engine,
    runs: engine.store,
    providers,
    now: clock.now,
    logger: quietLogger,
    incidentCommander: (channel) => incidentCommanderOf(pool, config, channel),
    retryAfterIncidentMs: o.retryAfterIncidentMs,
  });
  const workers: RunningWorker[] = [];
  const drillWorkers: Worker[] = [];
  const conns: Redis[] = [];
  let bolt: { server: Server } | undefined;
  const h: DrillHarness = {
    db,
    pool,
    redis,
    prefix,
    config,
    engine,
    jobs,
    store,
    service,
    slack,
    clock,
    startWorkers() {
      const a = createRedis(TEST_REDIS_URL);
      const b = createRedis(TEST_REDIS_URL);
      conns.push(a, b);
      workers.push(startWorker(engine, a, prefix, { logger: quietLogger, reconcileMs: 60_000 }));
      drillWorkers.push(createDrillWorker({ connection: b, prefix, process: drillJobProcessor(service) }));
    },
    async startBolt() {
      const receiver = new ExpressReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR, processBeforeResponse: false });
      const server = createServer(receiver.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      bolt = { server };
      const app = new App({ receiver, token: slack.token, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });
      registerDrillHandlers(app, { service, client, config, warn: () => undefined });
      const { port } = server.address() as AddressInfo;
      return new ConsoleInteractions({ slack: slack.slack, botEventsUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, command: '/dr' });
    },
    async waitForRun(runId, statuses, ms = 20_000) {
      let last: Run | undefined;
      return waitFor(async () => {
        last = await engine.store.getRun(runId);
        return last && statuses.includes(last.status) ? last : undefined;
      }, () => `run ${runId} to be ${statuses.join('|')} (it is ${last?.status}; steps ${last?.steps.map((s) => `${s.kind}:${s.status}`).join(' ')})`, ms);
    },
    async waitForDrill(id, test, what, ms = 20_000) {
      let last: Drill | undefined;
      return waitFor(async () => {
        last = await store.get(id);
        return last && test(last) ? last : undefined;
      }, () => `${what} (drill is ${last?.status}, teardown ${last?.teardown})`, ms);
    },
    messages: () => slack.slack.messages(CHANNEL),
    async resources() {
      return (await pool.query('SELECT name, discarded FROM test_resources ORDER BY name')).rows;
    },
    async audit(action) {
      return (await pool.query('SELECT actor, detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows;
    },
    async close() {
      await Promise.all(drillWorkers.map((w) => w.close().catch(() => undefined)));
      await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
      if (bolt) {
        const server = bolt.server;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      await jobs.queue.obliterate({ force: true }).catch(() => undefined);
      await jobs.close().catch(() => undefined);
      await engine.scheduler.close().catch(() => undefined);
      for (const c of conns) c.disconnect();
      redis.disconnect();
      await slack.close();
      await pool.end();
      await db.drop();
    },
  };
  return h;
}
