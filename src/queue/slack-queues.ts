import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The two Slack queues. `interactions` carries the work a command or click asks for once it is
 * acknowledged (pre-flight and start, approvals, aborts, status…), the notifier's tick and the
 * retention check (asking before a kept database is deleted);
 * `messages` carries "bring run R's live message and thread up to date" and is rate-limited as a
 * whole so that, across all runs and all processes, Slack's chat.update budget is respected.
 */
export const INTERACTIONS_QUEUE = 'interactions';
export const MESSAGES_QUEUE = 'messages';

export const INTERACTION_JOB = { command: 'command', click: 'click', tick: 'tick', retentionCheck: 'retention-check' } as const;
export const SYNC_JOB = 'sync';
export const TICK_SCHEDULER_ID = 'rewind.slack.tick';
export const RETENTION_SCHEDULER_ID = 'rewind.retention.check';

/** A hex digest usable as a BullMQ job id (ids must not contain ":"), stable for the same key. */
export function jobIdFor(kind: string, key: string): string {
  return `${kind}.${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Kept for an hour after they finish so that a retried request with the same key is dropped. */
const KEEP_FOR_DEDUP = { age: 3600, count: 10_000 };

export class SlackQueues {
  readonly interactions: Queue;
  readonly messages: Queue;

  constructor(connection: Redis, prefix: string) {
    this.interactions = new Queue(INTERACTIONS_QUEUE, { connection, prefix });
    this.messages = new Queue(MESSAGES_QUEUE, { connection, prefix });
    // Connection errors surface in /healthz and in the calls that fail; unhandled they print a stack per retry.
    for (const q of [this.interactions, this.messages]) q.on('error', () => undefined);
  }

  /**
   * Asks for run R's message to be brought up to date. Coalesced per run: while a sync of R waits,
   * further requests are absorbed by it (it reads the run when it runs); while one is running,
   * the latest request is kept and runs right after, so no change is ever left unshown.
   */
  async requestSync(runId: string, delayMs = 0): Promise<void> {
    await this.messages.add(
      SYNC_JOB,
      { runId },
      {
        deduplication: { id: `live.${runId}`, keepLastIfActive: true },
        delay: Math.max(0, Math.round(delayMs)),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  /** Enqueues the work of one command or click; `key` (trigger id, action ts) drops duplicates. */
  async enqueueInteraction(name: (typeof INTERACTION_JOB)['command' | 'click'], key: string, data: Record<string, unknown>): Promise<void> {
    await this.interactions.add(name, data, { jobId: jobIdFor(name, key), attempts: 1, removeOnComplete: KEEP_FOR_DEDUP, removeOnFail: KEEP_FOR_DEDUP });
  }

  /** The tick that refreshes live messages of active runs; one schedule however many bots upsert it. */
  async scheduleTick(everyMs: number): Promise<void> {
    await this.interactions.upsertJobScheduler(TICK_SCHEDULER_ID, { every: everyMs }, { name: INTERACTION_JOB.tick, opts: { removeOnComplete: true, removeOnFail: true } });
  }

  /** The retention check; one schedule however many bots upsert it. */
  async scheduleRetentionCheck(everyMs: number): Promise<void> {
    await this.interactions.upsertJobScheduler(
      RETENTION_SCHEDULER_ID,
      { every: everyMs },
      { name: INTERACTION_JOB.retentionCheck, opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: 20 } },
    );
  }

  async depth(): Promise<Record<string, Record<string, number>>> {
    const [interactions, messages] = await Promise.all([
      this.interactions.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      this.messages.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    ]);
    return { [INTERACTIONS_QUEUE]: interactions, [MESSAGES_QUEUE]: messages };
  }

  async close(): Promise<void> {
    await Promise.all([this.interactions.close(), this.messages.close()]);
  }
}
