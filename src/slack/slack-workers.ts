import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runsNeedingRefresh } from '../persistence/slack-run-queries';
import { INTERACTION_JOB, INTERACTIONS_QUEUE, MESSAGES_QUEUE, type SlackQueues } from '../queue/slack-queues';
import { runClickJob, runCommandJob, type ClickJob, type CommandExecutor, type CommandJob } from './interaction-jobs';
import { syncLiveMessage, type SyncDeps } from './live-message-sync';
import { checkRetention } from './retention-check';
import { retentionDepsFrom } from './retention-messages';
import { SlackRateLimited } from './slack-api';
import type { SlackServices } from './slack-services';
import { throttled } from '../observability/throttled';

/**
 * The consumers of the two Slack queues. The message worker's limiter is global (kept in Redis
 * for every worker of the queue): Slack allows about 50 chat.update calls a minute per app, and
 * each sync makes at most one, so 3 jobs per 4 s (45 a minute, never more than 48 in any 60 s
 * window) keeps every run's updates together inside the budget. A 429 pauses the whole queue
 * for its Retry-After and puts the job back, without counting it as a failed attempt.
 */

export const DEFAULT_MESSAGE_LIMITER = { max: 3, duration: 4_000 };

export interface SlackWorkerOptions {
  connection: Redis;
  prefix: string;
  queues: SlackQueues;
  svc: SlackServices;
  sync: SyncDeps;
  executorFor: CommandExecutor;
  limiter?: { max: number; duration: number };
  /** An active run's message is refreshed when its last update is older than this (default 20 s). */
  staleMs?: number;
  concurrency?: number;
}

export interface SlackWorkers {
  interactions: Worker;
  messages: Worker;
  close(): Promise<void>;
}

export function startSlackWorkers(o: SlackWorkerOptions): SlackWorkers {
  const staleMs = o.staleMs ?? 20_000;
  const interactions = new Worker(
    INTERACTIONS_QUEUE,
    async (job: Job) => {
      if (job.name === INTERACTION_JOB.tick) {
        for (const runId of await runsNeedingRefresh(o.svc.pool, staleMs, o.svc.now())) await o.queues.requestSync(runId);
        return;
      }
      if (job.name === INTERACTION_JOB.command) return runCommandJob(o.svc, job.data as CommandJob, o.executorFor);
      if (job.name === INTERACTION_JOB.click) return runClickJob(o.svc, job.data as ClickJob);
      if (job.name === INTERACTION_JOB.retentionCheck) return checkRetention(o.svc, retentionDepsFrom(o.svc));
    },
    { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 16 },
  );
  // Jobs already running when a 429 arrives must wait too: every Slack call first checks this key.
  const pauseKey = `${o.prefix}:slack:retry-after`;
  const beforeCall = async (): Promise<void> => {
    const ms = await o.connection.pttl(pauseKey);
    if (ms > 0) throw new SlackRateLimited('paused', ms);
  };
  const messages = new Worker(
    MESSAGES_QUEUE,
    async (job: Job) => {
      try {
        await syncLiveMessage(String(job.data.runId), { ...o.sync, beforeCall });
      } catch (err) {
        if (!(err instanceof SlackRateLimited)) throw err;
        if (err.method !== 'paused') {
          o.svc.warn({ method: err.method, retryAfterMs: err.retryAfterMs }, 'Slack rate limited the live messages; pausing them for Retry-After');
          await o.connection.set(pauseKey, err.method, 'PX', err.retryAfterMs);
        }
        await o.queues.messages.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 2, limiter: o.limiter ?? DEFAULT_MESSAGE_LIMITER },
  );
  const warn = throttled((obj, msg) => o.svc.warn(obj, msg));
  for (const w of [interactions, messages]) w.on('error', (err) => warn({ err: err.message }, 'Slack queue worker error'));
  return {
    interactions,
    messages,
    async close() {
      await Promise.all([interactions.close(), messages.close()]);
    },
  };
}
