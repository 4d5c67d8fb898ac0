import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { parseConfig } from '../../../src/config/load';
import { ConsoleInteractions, type UiResult } from '../../../src/console/console-interactions';
import { blockActionsPayload, findButton, slashCommandForm } from '../../../src/console/interaction-payloads';
import { slackSignatureHeaders } from '../../../src/console/signing';
import type { SlackChannel, SlackUser } from '../../../src/console/slack-workspace';
import type { AuditRow } from '../../../src/persistence/audit-log';
import { startServices, type Services } from '../../../src/main/services';
import { mountSlack, type MountedSlack, type SlackMountOptions } from '../../../src/main/slack-mount';
import type { ProviderResolver } from '../../../src/providers/ports';
import type { Run, RunStatus } from '../../../src/recovery/run';
import { liveMessageOf } from '../../../src/slack/live-message-sync';
import { ACTION, BLOCK } from '../../../src/slack/ids';
import { countingProviders, createProviderTables } from '../../support/counting-providers';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { TEST_REDIS_URL } from '../../support/env';
import { startFakeSlack, type FakeSlackOptions, type RunningFakeSlack, type SlackMessage } from '../../fakes/slack-api';
import { FakeSocketMode, type Delivery } from '../../fakes/slack-socket-mode';
import { waitFor as pollFor } from '../../support/wait';

/**
 * Rewind with its Slack console, for tests: real PostgreSQL and Redis (fresh database, unique
 * queue prefix), the fake Slack Web API, counting providers, and a driver that sends requests
 * to /slack/events exactly as the local console does (signed, Slack-shaped).
 */

export const SECRET = 'slack-test-signing-secret';
export const APP_TOKEN = 'xapp-1-A0FAKEAPP01-1234567890-socketmodeappleveltoken';
export const OPERATOR = 'U0OPERATOR1';
export const OPERATOR2 = 'U0OPERATOR2';
export const APPROVER = 'U0APPROVER1';
export const IC = 'U0INCIDENT1';
export const STRANGER = 'U0STRANGER1';
export const CHANNEL = 'C0INCIDENT1';
export const ELSEWHERE = 'C0ELSEWHERE';
export const WINDOW = { earliest: new Date('2024-04-30T00:00:00Z'), latest: new Date(Date.now() - 60_000) };

export const CONFIG_YAML = `
timezone: UTC
channels:
  ${CHANNEL}:
    timezone: Europe/Berlin
    incidentCommander: ${IC}
databases:
  prod-db-01:
    provider: rds-instance
    production: true
    rto: 15m
    rpo: 5m
    channels: [${CHANNEL}]
    operators: [${OPERATOR}, ${OPERATOR2}, ${APPROVER}]
    approvers: [${APPROVER}]
    twoPersonRule: true
    source: { instanceId: prod-db-01, region: eu-central-1 }
  staging-db:
    provider: rds-instance
    rto: 30m
    rpo: 15m
    operators: [${OPERATOR}]
    approvers: [${APPROVER}]
    source: { instanceId: staging-db, region: eu-central-1 }
`;

export interface SlackHarness {
  services: Services;
  slack: RunningFakeSlack;
  mounted: MountedSlack;
  pool: Pool;
  prefix: string;
  eventsUrl: string;
  console: ConsoleInteractions;
  command(user: string, text: string, channel?: string): Promise<UiResult & { ms: number }>;
  click(user: string, message: { channel: string; ts: string }, actionId: string, blockId?: string): Promise<UiResult>;
  submitTyped(user: string, viewId: string, typed: string): Promise<UiResult>;
  runs(database?: string): Promise<Run[]>;
  waitForRun(runId: string, test: (run: Run) => boolean, what: string, ms?: number): Promise<Run>;
  waitForStatus(runId: string, status: RunStatus, ms?: number): Promise<Run>;
  liveMessage(runId: string): Promise<SlackMessage | undefined>;
  audit(action: string): Promise<AuditRow[]>;
  lastEphemeralText(user: string): string;
  /**
   * Resolves once every command and click handed to the interactions queue so far has been
   * carried out (nothing waiting or running, twice in a row): what a "nothing happened" check
   * waits for instead of a fixed sleep.
   */
  idle(): Promise<void>;
  /** A slash command body as Slack sends it (fresh response URL and trigger). */
  commandBody(user: string, text: string, channel?: string): string;
  /** POSTs `body` to /slack/events signed with `secret` at `atMs`. */
  postSigned(body: string, o?: { secret?: string; atMs?: number; headers?: Record<string, string> }): Promise<{ status: number; text: string }>;
  /** With `socketMode`: Slack's side of the Socket Mode connection Rewind opened. */
  socket?: FakeSocketMode;
  /** A slash command delivered over Socket Mode, as Slack sends it there. */
  socketCommand(user: string, text: string, channel?: string): Promise<Delivery>;
  /** A button click delivered over Socket Mode. */
  socketClick(user: string, message: SlackMessage, actionId: string, blockId?: string): Promise<Delivery>;
  close(): Promise<void>;
}

/** The shared poller with a longer default: Slack flows cross several queues. */
export function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string | (() => string), ms = 30_000): Promise<T> {
  return pollFor(check, what, ms);
}

export async function startSlackHarness(
  o: { mount?: SlackMountOptions; slack?: FakeSlackOptions; config?: string; providers?: (pool: Pool) => ProviderResolver; socketMode?: boolean } = {},
): Promise<SlackHarness> {
  const db: TestDatabase = await createTestDatabase('slack');
  const pool = new Pool({ connectionString: db.url, max: 5 });
  await createProviderTables(pool);
  const slack = await startFakeSlack({
    ...o.slack,
    workspace: {
      users: [
        { id: OPERATOR, name: 'olivia' },
        { id: OPERATOR2, name: 'oscar' },
        { id: APPROVER, name: 'april' },
        { id: IC, name: 'ian' },
        { id: STRANGER, name: 'sam' },
      ],
      channels: [
        { id: CHANNEL, name: 'incident' },
        { id: ELSEWHERE, name: 'elsewhere' },
      ],
    },
  });
  const socket = o.socketMode ? await FakeSocketMode.start(slack.slack, APP_TOKEN) : undefined;
  const prefix = `rwslack${randomBytes(4).toString('hex')}`;
  let mounted: MountedSlack | undefined;
  const services = await startServices({
    env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent', REWIND_QUEUE_PREFIX: prefix },
    config: parseConfig(o.config ?? CONFIG_YAML),
    providers: o.providers ? o.providers(pool) : () => countingProviders(pool, { window: WINDOW }),
    worker: true,
    port: 0,
    mount: async (app, rt) => {
      mounted = await mountSlack(app, rt, { token: slack.token, signingSecret: SECRET, apiUrl: slack.apiUrl, tickMs: 1000, ...(socket ? { appToken: APP_TOKEN } : {}), ...o.mount });
      return mounted.stop;
    },
  });
  const eventsUrl = `http://127.0.0.1:${services.http.port}/slack/events`;
  const console = new ConsoleInteractions({ slack: slack.slack, botEventsUrl: eventsUrl, signingSecret: SECRET, command: '/dr' });
  const store = services.runtime.store;
  const h: SlackHarness = {
    services,
    slack,
    mounted: mounted as MountedSlack,
    pool,
    prefix,
    eventsUrl,
    console,
    async command(user, text, channel = CHANNEL) {
      const started = performance.now();
      const result = await console.run('command', { user, channel, text: `/dr ${text}` });
      return { ...result, ms: performance.now() - started };
    },
    click(user, message, actionId, blockId = BLOCK.gateActions) {
      return console.run('action', { user, channel: message.channel, messageTs: message.ts, actionId, blockId });
    },
    submitTyped(user, viewId, typed) {
      return console.run('view-submission', { user, viewId, values: { [BLOCK.typedConfirmationInput]: { [ACTION.typedConfirmationInput]: typed } } });
    },
    runs: (database) => store.listRuns({ ...(database ? { database } : {}), limit: 100 }),
    async waitForRun(runId, test, what, ms) {
      let last: Run | undefined;
      return waitFor(async () => {
        last = await store.getRun(runId);
        return last && test(last) ? last : undefined;
      }, () => `${what} (run is ${last?.status} at step ${last?.currentStep})`, ms);
    },
    waitForStatus(runId, status, ms) {
      return h.waitForRun(runId, (r) => r.status === status, `run ${runId} to be ${status}`, ms);
    },
    async liveMessage(runId) {
      const run = await store.getRun(runId);
      const live = run ? liveMessageOf(run) : undefined;
      return live ? slack.slack.message(live.channel, live.ts) : undefined;
    },
    async audit(action) {
      const { rows } = await pool.query('SELECT id, at, actor, run_id, step_idx, action, from_state, to_state, detail FROM audit_events WHERE action = $1 ORDER BY id', [action]);
      return rows.map((r) => ({ id: Number(r.id), at: r.at, actor: r.actor, runId: r.run_id, stepIdx: r.step_idx, action: r.action, from: r.from_state, to: r.to_state, detail: r.detail }));
    },
    async idle() {
      const queue = (mounted as MountedSlack).services.queues.interactions;
      let quiet = 0;
      await waitFor(async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
        quiet = Object.values(c).every((n) => n === 0) ? quiet + 1 : 0;
        if (quiet < 2) await new Promise((r) => setTimeout(r, 25));
        return quiet >= 2;
      }, 'the interactions queue to be idle');
    },
    lastEphemeralText(user) {
      const list = slack.slack.ephemerals(user);
      const last = list[list.length - 1];
      return last ? `${last.text}\n${JSON.stringify(last.blocks ?? [])}` : '';
    },
    commandBody(user, text, channel = CHANNEL) {
      const ws = slack.slack.workspace;
      return slashCommandForm({
        workspace: ws,
        channel: ws.channel(channel) as SlackChannel,
        user: ws.user(user) as SlackUser,
        command: '/dr',
        text,
        responseUrl: slack.slack.createResponseUrl(channel, user),
        triggerId: slack.slack.createTriggerId(user),
      });
    },
    async postSigned(body, opts = {}) {
      const res = await fetch(eventsUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(opts.secret ?? SECRET, body, opts.atMs ?? Date.now()), ...opts.headers },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    socket,
    socketCommand(user, text, channel = CHANNEL) {
      if (!socket) throw new Error('start the harness with socketMode: true');
      const form = new URLSearchParams(h.commandBody(user, text, channel));
      return socket.send('slash_commands', Object.fromEntries(form));
    },
    socketClick(user, message, actionId, blockId = BLOCK.gateActions) {
      if (!socket) throw new Error('start the harness with socketMode: true');
      const ws = slack.slack.workspace;
      const channel = ws.channel(message.channel) as SlackChannel;
      const person = ws.user(user) as SlackUser;
      const button = findButton(message.blocks, blockId, actionId);
      if (!button) throw new Error(`no ${actionId} button in block ${blockId}`);
      const payload = blockActionsPayload({
        workspace: ws,
        user: person,
        source: { kind: 'message', channel, message },
        button,
        triggerId: slack.slack.createTriggerId(user),
        responseUrl: slack.slack.createResponseUrl(channel.id, user, { original: { ts: message.ts, ephemeral: false } }),
        actionTs: (Date.now() / 1000).toFixed(6),
      });
      return socket.send('interactive', payload);
    },
    async close() {
      await services.stop();
      await socket?.close();
      await slack.close();
      await pool.end();
      await db.drop();
    },
  };
  return h;
}

/** The text of every block of a message, for assertions. */
export function messageText(m: Pick<SlackMessage, 'text' | 'blocks'> | undefined): string {
  return m ? `${m.text}\n${JSON.stringify(m.blocks ?? [])}` : '';
}

/** The labels of a message's buttons. */
export function buttonLabels(m: Pick<SlackMessage, 'blocks'> | undefined): string[] {
  const labels: string[] = [];
  for (const b of (m?.blocks ?? []) as Array<{ type?: string; elements?: Array<{ type?: string; text?: { text?: string } }> }>) {
    if (b.type === 'actions') for (const e of b.elements ?? []) if (e.type === 'button' && e.text?.text) labels.push(e.text.text);
  }
  return labels;
}
