import { SlackQueues } from '../queue/slack-queues';
import { SlackRunNotifier } from '../slack/run-notifier';
import type { Runtime } from './runtime';

/**
 * The producer side of the Slack notifier, for every process that changes runs (bot and worker):
 * it observes the runtime's engine and feeds the message queue. One per runtime; the Slack mount
 * attaches the same one. Calls nothing in Slack itself.
 */
export interface SlackNotifierHandle {
  queues: SlackQueues;
  notifier: SlackRunNotifier;
  close(): Promise<void>;
}

const attached = new WeakMap<Runtime, SlackNotifierHandle>();

export function attachSlackNotifier(rt: Runtime): SlackNotifierHandle {
  const existing = attached.get(rt);
  if (existing) return existing;
  const queues = new SlackQueues(rt.redis, rt.env.REWIND_QUEUE_PREFIX);
  const notifier = new SlackRunNotifier({ pool: rt.pool, config: rt.config, queues, warn: (obj, msg) => rt.logger.warn(obj, msg) });
  const stop = rt.observe(notifier);
  rt.metrics.setQueueDepthSource(async () => ({ steps: await rt.scheduler.depth(), ...(await queues.depth()) }));
  let closed: Promise<void> | undefined;
  const handle: SlackNotifierHandle = {
    queues,
    notifier,
    close() {
      closed ??= (async () => {
        stop();
        await notifier.flush();
        await queues.close().catch(() => undefined);
        attached.delete(rt);
      })();
      return closed;
    },
  };
  attached.set(rt, handle);
  return handle;
}
