import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a step execution ended, from the worker's point of view. */
export type StepOutcome = 'succeeded' | 'failed' | 'waiting' | 'skipped';

/** Number of runs per run status, e.g. `{ running: 2, awaiting_approval: 1 }`. */
export type RunCounter = () => Promise<Record<string, number>>;

/** Job counts per queue and BullMQ state, e.g. `{ steps: { waiting: 3, delayed: 1 } }`. */
export type QueueDepthSource = () => Promise<Record<string, Record<string, number>>>;

export interface Metrics {
  readonly registry: Registry;
  observeStep(kind: string, outcome: StepOutcome, seconds: number): void;
  countSlackError(method: string, error: string): void;
  /** Read on every scrape to fill `rewind_runs`; the latest call wins. */
  setRunCounter(counter: RunCounter): void;
  /** Read on every scrape to fill `rewind_queue_depth`; the latest call wins. */
  setQueueDepthSource(source: QueueDepthSource): void;
}

export interface MetricsOptions {
  /** Register prom-client's process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
  /**
   * Called when a scrape-time callback fails. The affected gauge is then left empty for that
   * scrape (stale numbers would be worse) and the rest of the scrape still succeeds.
   */
  onCollectError?: (metric: string, err: unknown) => void;
}

// Steps range from sub-second checks to multi-hour restores.
const STEP_BUCKETS = [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

/**
 * Label values that come from outside (Slack error codes, step kinds) are squeezed into a small
 * alphabet and length so that a misbehaving caller cannot explode the series count.
 */
export function labelValue(raw: string): string {
  const v = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.:-]+/g, '_')
    .slice(0, 64);
  return v === '' ? 'unknown' : v;
}

/** A fresh registry with Rewind's metrics; nothing is registered globally. */
export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const onCollectError = opts.onCollectError ?? (() => undefined);
  let runCounter: RunCounter | undefined;
  let queueDepth: QueueDepthSource | undefined;

  new Gauge({
    name: 'rewind_runs',
    help: 'Runs in the store, by run status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!runCounter) return;
      try {
        for (const [status, n] of Object.entries(await runCounter())) this.set({ status }, n);
      } catch (err) {
        this.reset();
        onCollectError('rewind_runs', err);
      }
    },
  });

  const stepDuration = new Histogram({
    name: 'rewind_step_duration_seconds',
    help: 'Wall-clock time of one step execution, by step kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: STEP_BUCKETS,
    registers: [registry],
  });

  new Gauge({
    name: 'rewind_queue_depth',
    help: 'Jobs in each queue, by queue and job state.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!queueDepth) return;
      try {
        for (const [queue, states] of Object.entries(await queueDepth())) {
          for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
        }
      } catch (err) {
        this.reset();
        onCollectError('rewind_queue_depth', err);
      }
    },
  });

  const slackErrors = new Counter({
    name: 'rewind_slack_api_errors_total',
    help: 'Failed Slack Web API calls, by API method and Slack error code.',
    labelNames: ['method', 'error'] as const,
    registers: [registry],
  });

  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    observeStep(kind, outcome, seconds) {
      stepDuration.observe({ kind: labelValue(kind), outcome }, seconds);
    },
    countSlackError(method, error) {
      slackErrors.inc({ method: labelValue(method), error: labelValue(error) });
    },
    setRunCounter(counter) {
      runCounter = counter;
    },
    setQueueDepthSource(source) {
      queueDepth = source;
    },
  };
}
