import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { RewindConfig } from '../config/schema';
import type { PgRunStore } from '../persistence/pg-run-store';
import { markThreadFailed, markThreadPosted, pendingThreadPosts } from '../persistence/slack-thread-posts';
import type { Run } from '../recovery/run';
import type { SlackMessage } from './blocks';
import { renderContextFor } from './channel-context';
import { render } from './render-run';
import { classifySlackError, SlackRateLimited, type SlackClient } from './slack-api';

/**
 * One sync of a run's Slack presence: post the live message if it has none yet, post the
 * timeline replies recorded since the last sync (in order, each once), then update the live
 * message when its rendering changed. At most one chat.update per sync, which is what lets the
 * message queue's limiter bound chat.update calls. Where the message lives is kept in the run's
 * meta (`slack: {channel, ts, hash, at, status}`).
 */

export interface SyncDeps {
  pool: Pool;
  store: PgRunStore;
  config: RewindConfig;
  client: SlackClient;
  now(): Date;
  countError(method: string, error: string): void;
  warn(obj: object, msg: string): void;
  /** Called before every Slack call; throws SlackRateLimited while Slack's Retry-After runs. */
  beforeCall?(): Promise<void>;
}

export interface LiveMessageRef {
  channel: string;
  ts: string;
  hash?: string;
  /** Epoch ms of the last successful post or update (the tick refreshes stale ones). */
  at?: number;
  /** The run status the message shows. */
  status?: string;
}

export type SyncOutcome = 'no-run' | 'no-channel' | 'unchanged' | 'posted' | 'updated' | 'refused';

/** The live message of a run, when one was posted. */
export function liveMessageOf(run: Pick<Run, 'meta'>): LiveMessageRef | undefined {
  const slack = run.meta.slack as Partial<LiveMessageRef> | undefined;
  if (!slack || typeof slack.channel !== 'string' || typeof slack.ts !== 'string') return undefined;
  return slack as LiveMessageRef;
}

export async function syncLiveMessage(runId: string, d: SyncDeps): Promise<SyncOutcome> {
  const run = await d.store.getRun(runId);
  if (!run) return 'no-run';
  if (!run.channel) return 'no-channel';
  const now = d.now();
  const message = render(run, now, await renderContextFor(d.pool, d.config, run));
  const hash = createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 32);
  let live = liveMessageOf(run);
  let posted = false;
  if (!live) {
    const ts = await post(d, 'chat.postMessage', async () => (await d.beforeCall?.(), d.client.chat.postMessage({ channel: run.channel as string, ...message, unfurl_links: false, unfurl_media: false })));
    if (ts === undefined) {
      // Remembered so the tick retries at its slow pace, not on every pass.
      await d.store.mergeRunMeta(run.id, { slack: { at: now.getTime(), status: 'unposted' } });
      return 'refused';
    }
    live = { channel: ts.channel, ts: ts.ts, hash, at: now.getTime(), status: run.status };
    posted = true;
    await d.store.mergeRunMeta(run.id, { slack: live });
  }
  await postThread(d, run.id, live);
  if (live.hash === hash) {
    if (posted) return 'posted';
    await d.store.mergeRunMeta(run.id, { slack: { ...live, at: now.getTime(), status: run.status } });
    return 'unchanged';
  }
  const outcome = await update(d, run, live, message);
  if (outcome === 'gone') {
    // Someone deleted the live message: post a new one rather than leave the run invisible.
    await d.store.mergeRunMeta(run.id, { slack: null });
    return syncLiveMessage(runId, d);
  }
  if (outcome === 'refused') {
    // Keeps the old hash (the next change tries again) but not the tick's attention every pass.
    await d.store.mergeRunMeta(run.id, { slack: { ...live, at: now.getTime(), status: run.status } });
    return 'refused';
  }
  await d.store.mergeRunMeta(run.id, { slack: { ...live, hash, at: now.getTime(), status: run.status } });
  return 'updated';
}

async function postThread(d: SyncDeps, runId: string, live: LiveMessageRef): Promise<void> {
  for (const reply of await pendingThreadPosts(d.pool, runId)) {
    await d.beforeCall?.();
    try {
      const res = await d.client.chat.postMessage({ channel: live.channel, thread_ts: live.ts, text: reply.text, unfurl_links: false, unfurl_media: false });
      await markThreadPosted(d.pool, reply.id, String(res.ts ?? ''));
    } catch (err) {
      const failure = classifySlackError(err);
      d.countError('chat.postMessage', failure.error);
      if (failure.kind === 'rate_limited') throw new SlackRateLimited('chat.postMessage', failure.retryAfterMs);
      if (failure.kind === 'transient') throw err;
      d.warn({ runId, error: failure.error }, 'Slack refused a timeline reply; it is skipped');
      await markThreadFailed(d.pool, reply.id, failure.error);
    }
  }
}

async function update(d: SyncDeps, run: Run, live: LiveMessageRef, message: SlackMessage): Promise<'ok' | 'gone' | 'refused'> {
  await d.beforeCall?.();
  try {
    await d.client.chat.update({ channel: live.channel, ts: live.ts, ...message });
    return 'ok';
  } catch (err) {
    const failure = classifySlackError(err);
    d.countError('chat.update', failure.error);
    if (failure.kind === 'rate_limited') throw new SlackRateLimited('chat.update', failure.retryAfterMs);
    if (failure.kind === 'transient') throw err;
    if (failure.error === 'message_not_found') return 'gone';
    d.warn({ runId: run.id, error: failure.error }, 'Slack refused the live message update');
    return 'refused';
  }
}

/** The posted message's channel and ts, or undefined when Slack refused it for good. */
async function post(d: SyncDeps, method: string, call: () => Promise<{ channel?: string; ts?: string }>): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const res = await call();
    if (typeof res.channel !== 'string' || typeof res.ts !== 'string') throw new Error(`${method} answered without channel and ts`);
    return { channel: res.channel, ts: res.ts };
  } catch (err) {
    const failure = classifySlackError(err);
    d.countError(method, failure.error);
    if (failure.kind === 'rate_limited') throw new SlackRateLimited(method, failure.retryAfterMs);
    if (failure.kind === 'transient') throw err;
    d.warn({ error: failure.error }, `Slack refused ${method} for a live message`);
    return undefined;
  }
}
