import type { Pool } from 'pg';
import type { RewindConfig } from '../config/schema';
import { recordThreadPost } from '../persistence/slack-thread-posts';
import type { RunObserver } from '../recovery/engine-ports';
import type { Run } from '../recovery/run';
import type { SlackQueues } from '../queue/slack-queues';
import { channelZone, databaseOf } from './channel-context';
import { renderThreadEvent } from './render-thread-event';

/**
 * The engine's observer for Slack, in whichever process changed the run: it records the event's
 * timeline reply (rendered now, from the run as it was at this change) and asks for the run's
 * live message to be synced. It never calls Slack: the message queue does, within the budget.
 * Records are written in the order the changes were observed, so replies keep their order.
 */
export class SlackRunNotifier implements RunObserver {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: {
      pool: Pool;
      config: RewindConfig;
      queues: SlackQueues;
      warn(obj: object, msg: string): void;
    },
  ) {}

  runChanged(run: Run, event: string): void {
    if (!run.channel) return;
    let text: string | undefined;
    try {
      const rto = databaseOf(this.o.config, run.database)?.rto;
      text = renderThreadEvent(run, event, { zone: channelZone(this.o.config, run.channel), ...(rto === undefined ? {} : { rtoMs: rto }) });
    } catch (err) {
      this.o.warn({ runId: run.id, event, err: (err as Error).message }, 'could not render a timeline reply');
    }
    const key = eventKey(run, event);
    this.chain = this.chain
      .then(async () => {
        if (text !== undefined) await recordThreadPost(this.o.pool, run.id, key, text);
        await this.o.queues.requestSync(run.id);
      })
      .catch((err: unknown) => this.o.warn({ runId: run.id, event, err: (err as Error).message }, 'could not queue a live message update; the next tick will'));
  }

  /** Resolves once everything observed so far is recorded and queued (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }
}

/** Identifies one change of a run, so the same change observed twice is one reply. */
export function eventKey(run: Run, event: string): string {
  const step = run.steps[run.currentStep];
  return [event, run.status, run.currentStep, step?.attempt ?? 0, step?.status ?? '-', run.approvals.length].join(':');
}
