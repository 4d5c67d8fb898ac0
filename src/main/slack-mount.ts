import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import express, { type Express } from 'express';
import { commandExecutor, commandRouter } from '../../commands/router';
import { appendAudit } from '../persistence/audit-log';
import { createRedis } from '../queue/redis-connection';
import { redactValue } from '../observability/redact';
import { RewindError } from '../recovery/errors';
import { boltLogger } from '../slack/bolt-logger';
import { incidentCommanderOf } from '../slack/channel-context';
import { registerDrillHandlers } from '../slack/drill-handlers';
import { registerListeners } from '../slack/listeners';
import { slackRequestVerifier, type Refused } from '../slack/request-verifier';
import { createSlackClient } from '../slack/slack-api';
import type { SlackServices } from '../slack/slack-services';
import { startSlackWorkers } from '../slack/slack-workers';
import { attachDrills } from './drills';
import { attachSlackNotifier } from './slack-notifier';
import type { Runtime } from './runtime';

/**
 * Wires Rewind into Slack: the Bolt app (HTTP on POST /slack/events, or Socket Mode when an
 * app-level token is given), the listeners, the interactions and message workers, the tick that
 * refreshes live messages, and the notifier. Settings default to the environment; the local
 * console passes its own (token, signing secret, API URL).
 */
export interface SlackMountOptions {
  token?: string;
  signingSecret?: string;
  /** An app-level token (xapp-…) switches to Socket Mode: no public URL, no signing. */
  appToken?: string;
  /** Web API base URL; default SLACK_API_URL, else Slack. */
  apiUrl?: string;
  /** Origins a response_url may point at besides hooks.slack.com; default the API URL's origin. */
  responseOrigins?: string[];
  /** The message queue's global limiter (default 3 jobs per 4 s: 45 chat.update a minute). */
  limiter?: { max: number; duration: number };
  /** How often active runs' messages are checked for staleness (default 10 s), and when they are (20 s). */
  tickMs?: number;
  staleMs?: number;
  /** How often kept databases are checked for a retention that is over (default 15 min). */
  retentionCheckMs?: number;
  now?: () => Date;
}

export interface MountedSlack {
  app: App;
  services: SlackServices;
  stop(): Promise<void>;
}

const DEFAULT_RETENTION_CHECK_MS = 15 * 60_000;

/** Refusals audited per minute at most; a flood of forged requests beyond it is only logged. */
const MAX_AUDITED_REFUSALS_PER_MINUTE = 120;

export async function mountSlack(http: Express, rt: Runtime, o: SlackMountOptions = {}): Promise<MountedSlack> {
  const token = o.token ?? rt.env.SLACK_BOT_TOKEN;
  const appToken = o.appToken ?? (o.token === undefined ? rt.env.SLACK_APP_TOKEN : undefined);
  const signingSecret = o.signingSecret ?? rt.env.SLACK_SIGNING_SECRET;
  if (!token) throw new RewindError({ code: 'SLACK_NOT_CONFIGURED', userMessage: 'Slack needs SLACK_BOT_TOKEN (xoxb-…): Slack app settings → OAuth & Permissions.' });
  if (!appToken && !signingSecret) {
    throw new RewindError({ code: 'SLACK_NOT_CONFIGURED', userMessage: 'Slack over HTTP needs SLACK_SIGNING_SECRET (Slack app settings → Basic Information), or set SLACK_APP_TOKEN for Socket Mode.' });
  }
  const apiUrl = o.apiUrl ?? rt.env.SLACK_API_URL;
  const logger = boltLogger(rt.logger);
  const prefix = rt.env.REWIND_QUEUE_PREFIX;
  const producer = attachSlackNotifier(rt);
  const client = createSlackClient({ token, ...(apiUrl ? { apiUrl } : {}), logger });
  const warn = (obj: object, msg: string) => rt.logger.warn(obj, msg);
  const services: SlackServices = {
    config: rt.config,
    pool: rt.pool,
    store: rt.store,
    engine: rt.engine,
    providers: rt.providers,
    queues: producer.queues,
    client,
    scrub: (v) => redactValue(v),
    now: o.now ?? (() => new Date()),
    countError: (method, error) => rt.metrics.countSlackError(method, error),
    warn,
    responseOrigins: o.responseOrigins ?? (apiUrl ? [new URL(apiUrl).origin] : []),
  };
  const workerConn = createRedis(rt.env.REDIS_URL);
  workerConn.on('error', () => undefined);
  const workers = startSlackWorkers({
    connection: workerConn,
    prefix,
    queues: producer.queues,
    svc: services,
    sync: { pool: rt.pool, store: rt.store, config: rt.config, client, now: services.now, countError: services.countError, warn },
    executorFor: commandExecutor,
    ...(o.limiter ? { limiter: o.limiter } : {}),
    ...(o.staleMs ? { staleMs: o.staleMs } : {}),
  });
  // In the background: a Redis that is down at start delays the tick, not the process.
  producer.queues.scheduleTick(o.tickMs ?? 10_000).catch((err: unknown) => warn({ err: (err as Error).message }, 'could not schedule the live message tick; live messages still update on every change'));
  producer.queues
    .scheduleRetentionCheck(o.retentionCheckMs ?? DEFAULT_RETENTION_CHECK_MS)
    .catch((err: unknown) => warn({ err: (err as Error).message }, 'could not schedule the retention check; kept databases are not offered for deletion until the next start'));

  const clientOptions = { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
  let app: App;
  if (appToken) {
    // apps.connections.open is a Web API call too: it goes where the rest of the API does.
    const receiver = new SocketModeReceiver({ appToken, logger, installerOptions: { clientOptions: apiUrl ? { slackApiUrl: apiUrl } : {} } });
    app = new App({ receiver, token, clientOptions, logger });
    try {
      await app.start();
    } catch (err) {
      await receiver.stop().catch(() => undefined);
      await workers.close();
      workerConn.disconnect();
      await producer.close();
      throw socketModeRefused(err);
    }
  } else {
    const receiver = new ExpressReceiver({ signingSecret: signingSecret as string, router: express.Router(), logger, processBeforeResponse: false });
    http.post(
      '/slack/events',
      slackRequestVerifier({ signingSecret: signingSecret as string, redis: rt.redis, keyPrefix: prefix, onRefused: (r) => auditRefusedRequest(rt, prefix, r) }),
    );
    http.use(receiver.router);
    app = new App({ receiver, token, clientOptions, logger });
  }
  registerListeners(app, services, commandRouter(rt.config, (channel) => incidentCommanderOf(rt.pool, rt.config, channel)));
  // Drill announcements' Skip/Postpone; attached here first so drill messages use this Slack (the services close it).
  registerDrillHandlers(app, { service: attachDrills(rt, { slack: { token, ...(apiUrl ? { apiUrl } : {}) } }).service, client, config: rt.config, warn });
  rt.logger.info({ mode: appToken ? 'socket' : 'http', apiUrl: apiUrl ?? 'https://slack.com/api/' }, 'Slack connected');

  return {
    app,
    services,
    async stop() {
      if (appToken) await app.stop().catch(() => undefined);
      await workers.close();
      workerConn.disconnect();
      await producer.close();
    },
  };
}

/** Why Socket Mode could not connect, in words that say what to change. */
function socketModeRefused(err: unknown): RewindError {
  const code = (err as { data?: { error?: unknown } }).data?.error;
  const error = typeof code === 'string' ? code : (err as Error).message;
  const fix =
    error === 'invalid_auth' || error === 'not_authed' || error === 'not_allowed_token_type'
      ? 'SLACK_APP_TOKEN must be an app-level token (xapp-…) of this Slack app with the connections:write scope: Slack app settings → Basic Information → App-Level Tokens.'
      : 'Check that Slack is reachable from here, or unset SLACK_APP_TOKEN to receive requests over HTTP on /slack/events instead.';
  return new RewindError({ code: 'SLACK_SOCKET_MODE_FAILED', userMessage: `Slack refused the Socket Mode connection (${error}). ${fix}`, cause: err });
}

/** Mounts Slack when the environment configures it; otherwise says why /slack/events is not served. */
export async function mountSlackFromEnv(http: Express, rt: Runtime): Promise<(() => Promise<void>) | undefined> {
  const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN } = rt.env;
  if (!SLACK_BOT_TOKEN || (!SLACK_SIGNING_SECRET && !SLACK_APP_TOKEN)) {
    rt.logger.warn('Slack is not configured (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN); /slack/events is not served');
    return undefined;
  }
  return (await mountSlack(http, rt)).stop;
}

async function auditRefusedRequest(rt: Runtime, prefix: string, r: Refused): Promise<void> {
  rt.logger.warn({ reason: r.reason, claimedUser: r.claimedUser }, 'refused a request to /slack/events');
  const key = `${prefix}:slack:refused:${Math.floor(Date.now() / 60_000)}`;
  const n = await rt.redis.incr(key);
  if (n === 1) await rt.redis.expire(key, 120);
  if (n > MAX_AUDITED_REFUSALS_PER_MINUTE) return;
  await appendAudit(rt.pool, { actor: r.claimedUser, action: 'slack.request_refused', detail: { reason: r.reason, identity: 'unverified', ...(r.retryNum ? { retryNum: r.retryNum } : {}) } });
}
