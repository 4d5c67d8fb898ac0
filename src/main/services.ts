import type { Express } from 'express';
import { checkHealth } from '../observability/health';
import { createHttpApp, listen, type RunningServer } from '../observability/http-server';
import { createRedis } from '../queue/redis-connection';
import { RewindError } from '../recovery/errors';
import { attachDrills, startDrillWorker, type DrillHandle } from './drills';
import { startWorker, type RunningWorker } from './engine-factory';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime';
import { attachSlackNotifier } from './slack-notifier';

export interface ServiceOptions extends RuntimeOptions {
  /** Consume step jobs and reconcile. */
  worker: boolean;
  /**
   * Extra routes (Slack receiver, local console) mounted before the server listens; may return
   * a function that stops what it started (called on stop, before the runtime closes).
   */
  mount?: (app: Express, rt: Runtime) => Promise<void | (() => Promise<void>)> | void | (() => Promise<void>);
  port?: number;
}

export interface Services {
  runtime: Runtime;
  http: RunningServer;
  worker?: RunningWorker;
  stop(): Promise<void>;
}

/** Starts the HTTP endpoints (/healthz, /metrics, and whatever `mount` adds) and optionally the worker. */
export async function startServices(o: ServiceOptions): Promise<Services> {
  const rt = await createRuntime(o);
  const app = createHttpApp({ health: () => checkHealth({ pg: rt.pool, redis: rt.redis }), metrics: rt.metrics.registry });
  // With Slack configured, every process that changes runs (a worker too) feeds the live messages.
  const slackNotifier = rt.env.SLACK_BOT_TOKEN ? attachSlackNotifier(rt) : undefined;
  let unmount: void | (() => Promise<void>);
  try {
    unmount = await o.mount?.(app, rt);
  } catch (err) {
    // A start that fails leaves nothing running behind it.
    await slackNotifier?.close().catch(() => undefined);
    await rt.close().catch(() => undefined);
    throw err;
  }
  // Every process settles the drill runs it changes; workers also keep the drill schedulers in step with rewind.yml and run the drills queue.
  const drills: DrillHandle = o.worker ? startDrillWorker(rt) : attachDrills(rt);
  let worker: RunningWorker | undefined;
  const workerConn = o.worker ? createRedis(rt.env.REDIS_URL) : undefined;
  if (workerConn) {
    workerConn.on('error', () => undefined);
    worker = startWorker(rt, workerConn, rt.env.REWIND_QUEUE_PREFIX, { logger: rt.logger });
  }
  const http = await listen(app, o.port ?? rt.env.PORT);
  rt.logger.info({ port: http.port, worker: o.worker, databases: Object.keys(rt.config.databases) }, 'rewind started');
  return {
    runtime: rt,
    http,
    worker,
    async stop() {
      await http.close();
      await worker?.close();
      workerConn?.disconnect();
      await drills.close();
      if (unmount) await unmount();
      await slackNotifier?.close();
      await rt.close();
    },
  };
}

const STOP_DEADLINE_MS = 15_000;

/** Process entry: start, stop cleanly on SIGTERM/SIGINT, and turn start-up errors into one clear line. */
export function runMain(start: () => Promise<Services>): void {
  start().then(
    (services) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        services.runtime.logger.info({ signal }, 'rewind stopping');
        // A stop waits for running steps; with Redis or PostgreSQL gone it could wait forever.
        // Nothing is lost by exiting: the store is the truth and the reconciler resumes.
        setTimeout(() => {
          services.runtime.logger.warn({ signal, afterMs: STOP_DEADLINE_MS }, 'rewind did not stop in time; exiting (the reconciler resumes any step that was running)');
          process.exit(1);
        }, STOP_DEADLINE_MS).unref();
        services.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      const message = err instanceof RewindError ? err.userMessage : `Rewind could not start: ${(err as Error).message}`;
      process.stderr.write(`${message}\n`);
      process.exit(1);
    },
  );
}
