import type { Worker } from 'bullmq';
import { DrillService } from '../drills/drill-service';
import { drillRunObserver } from '../drills/drill-observer';
import type { DrillAnnouncer } from '../drills/drill-ports';
import type { FixedSchedules, SchedulerDiff } from '../drills/drill-schedule';
import { localManifestCheck } from '../drills/local-manifest-check';
import { loggingAnnouncer } from '../drills/logging-announcer';
import { redactValue } from '../observability/redact';
import { PgDrillStore } from '../persistence/drill-store';
import { BullmqDrillJobs } from '../queue/drill-queue';
import { createDrillWorker } from '../queue/drill-worker';
import { createRedis } from '../queue/redis-connection';
import { boltLogger } from '../slack/bolt-logger';
import { incidentCommanderOf } from '../slack/channel-context';
import { SlackDrillAnnouncer } from '../slack/drill-announcer';
import { createSlackClient } from '../slack/slack-api';
import { drillJobProcessor } from '../../jobs/drill-jobs';
import type { Runtime } from './runtime';
import { throttled } from '../observability/throttled';

/**
 * Wires drills into a runtime. `attachDrills` (every process that changes runs) builds the drill
 * use cases and observes drill runs, so a run failed or ended anywhere is settled by the drills
 * queue; `startDrillWorker` (worker processes) also makes the queue's schedulers match rewind.yml
 * and consumes the queue. Messages go to Slack when a bot token is configured, else to the log.
 * The Slack mount registers the Skip/Postpone handlers with `registerDrillHandlers(app, …)` using
 * `attachDrills(rt, { slack })`'s service (see src/slack/drill-handlers.ts).
 */
export interface DrillOptions {
  /** Slack settings when they are not the environment's (the local console). */
  slack?: { token: string; apiUrl?: string };
  announcer?: DrillAnnouncer;
  now?: () => Date;
  fixed?: FixedSchedules;
}

export interface DrillHandle {
  service: DrillService;
  jobs: BullmqDrillJobs;
  close(): Promise<void>;
}

const attached = new WeakMap<Runtime, DrillHandle>();

/** One per runtime: the first call decides where messages go. */
export function attachDrills(rt: Runtime, o: DrillOptions = {}): DrillHandle {
  const existing = attached.get(rt);
  if (existing) return existing;
  const now = o.now ?? (() => new Date());
  const jobs = new BullmqDrillJobs(rt.redis, rt.env.REWIND_QUEUE_PREFIX);
  const token = o.slack?.token ?? rt.env.SLACK_BOT_TOKEN;
  const apiUrl = o.slack ? o.slack.apiUrl : rt.env.SLACK_API_URL;
  const announcer =
    o.announcer ??
    (token ? new SlackDrillAnnouncer({ client: createSlackClient({ token, ...(apiUrl ? { apiUrl } : {}), logger: boltLogger(rt.logger, 'drills') }), config: rt.config, now }) : loggingAnnouncer(rt.logger));
  const service = new DrillService({
    config: rt.config,
    store: new PgDrillStore(rt.pool, (v) => redactValue(v)),
    announcer,
    jobs,
    engine: rt.engine,
    runs: rt.store,
    providers: rt.providers,
    now,
    logger: rt.logger,
    incidentCommander: (channel) => incidentCommanderOf(rt.pool, rt.config, channel),
    verifyManifest: localManifestCheck(rt.providers),
  });
  const stopObserving = rt.observe(drillRunObserver(jobs, rt.logger));
  let closed: Promise<void> | undefined;
  const handle: DrillHandle = {
    service,
    jobs,
    close() {
      closed ??= (async () => {
        stopObserving();
        await jobs.close().catch(() => undefined);
        attached.delete(rt);
      })();
      return closed;
    },
  };
  attached.set(rt, handle);
  return handle;
}

export interface DrillWorkerHandle extends DrillHandle {
  worker: Worker;
  /** Settles when the schedulers match rewind.yml (undefined when Redis refused; the next start retries). */
  synced: Promise<SchedulerDiff | undefined>;
}

/**
 * Consumes the drills queue and synchronises its schedulers with rewind.yml in the background,
 * so a Redis that is down at start delays the schedules, not the process (as for the step worker).
 */
export function startDrillWorker(rt: Runtime, o: DrillOptions & { concurrency?: number } = {}): DrillWorkerHandle {
  const handle = attachDrills(rt, o);
  const synced = handle.jobs.syncSchedulers(rt.config, o.fixed).then(
    (diff) => {
      if (diff.upsert.length > 0 || diff.remove.length > 0) rt.logger.info({ upserted: diff.upsert.map((s) => s.id), removed: diff.remove }, 'drill schedulers synchronised with rewind.yml');
      return diff;
    },
    (err: Error) => {
      rt.logger.warn({ err: err.message }, 'could not synchronise the drill schedulers with rewind.yml; drills keep their previous schedules until the next start');
      return undefined;
    },
  );
  const connection = createRedis(rt.env.REDIS_URL);
  connection.on('error', () => undefined);
  const worker = createDrillWorker({ connection, prefix: rt.env.REWIND_QUEUE_PREFIX, process: drillJobProcessor(handle.service), concurrency: o.concurrency });
  const warn = throttled((obj, msg) => rt.logger.warn(obj, msg));
  worker.on('error', (err) => warn({ err: err.message }, 'drills worker error'));
  worker.on('failed', (job, err) => rt.logger.warn({ job: job?.name, err: err.message }, 'drills job failed'));
  return {
    ...handle,
    worker,
    synced,
    async close() {
      await worker.close().catch(() => undefined);
      connection.disconnect();
      await handle.close();
    },
  };
}
