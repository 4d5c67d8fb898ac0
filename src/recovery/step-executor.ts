import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunObserver, RunStore, StepResult, StepScheduler } from './engine-ports';
import { RewindError, toErrorRecord, type ErrorRecord } from './errors';
import type { Run, Step, StepTicket } from './run';
import { backoffDelay, resolvePolicy, type StepPolicy } from './step-policy';
import type { ProcessorRegistry, StepContext, StepOutcome } from './step-processor';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ExecutorOptions {
  store: RunStore;
  scheduler: StepScheduler;
  processors: ProcessorRegistry;
  observer?: RunObserver;
  logger?: EngineLogger;
  /** How long a claim lasts without a heartbeat; a crashed worker's step is retaken after this. */
  leaseMs?: number;
  /** Per-kind overrides (from the runbook/config), layered over each processor's own policy. */
  policies?: Record<string, Partial<StepPolicy>>;
  onStepFinished?: (kind: string, outcome: string, seconds: number) => void;
  workerId?: string;
}

export type ExecuteResult = { executed: false; reason: string } | { executed: true; result: StepResult['type'] };

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Executes one step ticket: claim in the store, run the processor under a timeout with a
 * heartbeat, record the outcome, then schedule what comes next. The store decides; the queue
 * only transports tickets, so losing a job or running one twice cannot change the outcome.
 */
export class StepExecutor {
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly log: EngineLogger;

  constructor(private readonly opts: ExecutorOptions) {
    this.workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.log = opts.logger ?? silent;
  }

  policyFor(kind: string): StepPolicy {
    return resolvePolicy(this.opts.processors.get(kind)?.policy, this.opts.policies?.[kind]);
  }

  async execute(t: StepTicket): Promise<ExecuteResult> {
    const { store } = this.opts;
    // One owner per execution, so a job redelivered to this same process cannot claim a step
    // that this process is still running.
    const owner = `${this.workerId}:${randomBytes(3).toString('hex')}`;
    const claim = await store.claimStep(t, owner, this.leaseMs);
    if (!claim.ok) {
      this.log.info({ ticket: t, reason: claim.reason }, 'step ticket dropped');
      return { executed: false, reason: claim.reason };
    }
    const { run, step } = claim;
    this.opts.observer?.runChanged(run, 'step.started');
    const started = Date.now();
    const ac = new AbortController();
    const heartbeat = setInterval(() => {
      store.renewLease(t, owner, this.leaseMs).then(
        (held) => {
          if (!held) ac.abort();
        },
        () => undefined,
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    const { result, stillRunning } = await this.runProcessor(run, step, this.policyFor(step.kind), owner, ac);
    let outcome: Awaited<ReturnType<RunStore['recordOutcome']>>;
    try {
      outcome = await store.recordOutcome(t, owner, stillRunning && (result.type === 'retry' || result.type === 'fail') ? { ...result, keepLease: true } : result);
    } finally {
      if (stillRunning) {
        // A timed-out execution keeps the step fenced (lease renewed) until it really ends, so
        // the retry cannot run beside it; then the lease goes and the retry is enqueued again.
        void stillRunning.then(async () => {
          clearInterval(heartbeat);
          await store.releaseLease(run.id, step.idx, owner).catch(() => undefined);
          if (outcome?.next) await this.schedule(outcome.next.ticket, outcome.next.delayMs);
        });
      } else {
        clearInterval(heartbeat);
      }
    }
    this.opts.onStepFinished?.(step.kind, result.type, (Date.now() - started) / 1000);
    if (!outcome.accepted) return { executed: false, reason: 'result discarded: the step moved on while it ran' };
    if (outcome.run) this.opts.observer?.runChanged(outcome.run, `step.${result.type}`);
    if (outcome.next) await this.schedule(outcome.next.ticket, outcome.next.delayMs);
    return { executed: true, result: result.type };
  }

  /** Enqueue failures are logged, not thrown: the store is already right and the reconciler re-enqueues. */
  async schedule(ticket: StepTicket, delayMs: number): Promise<void> {
    try {
      await this.opts.scheduler.scheduleStep({ ticket, delayMs });
    } catch (err) {
      this.log.warn({ ticket, err: (err as Error).message }, 'could not enqueue step; the reconciler will');
    }
  }

  /**
   * Runs the processor under the policy's timeout. When the timeout wins, the processor is told
   * (its signal aborts) but may still be running: `stillRunning` settles when it really ends.
   */
  private async runProcessor(run: Run, step: Step, policy: StepPolicy, owner: string, ac: AbortController): Promise<{ result: StepResult; stillRunning?: Promise<unknown> }> {
    const processor = this.opts.processors.get(step.kind);
    if (!processor) {
      return { result: { type: 'fail', error: { code: 'NO_PROCESSOR', message: `Rewind has no processor for step kind "${step.kind}". Upgrade the worker or abort the run.`, retryable: false } } };
    }
    if (step.startedAt && Date.now() - step.startedAt.getTime() > policy.deadlineMs) {
      return { result: { type: 'fail', error: deadlineError(step, policy) } };
    }
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        ac.abort();
        reject(new RewindError({ code: 'STEP_TIMEOUT', userMessage: `"${step.name}" did not finish within ${Math.round(policy.timeoutMs / 1000)} s.`, retryable: true }));
      }, policy.timeoutMs);
    });
    const ctx: StepContext = {
      run,
      step,
      signal: ac.signal,
      actor: run.requestedBy,
      save: async (patch) => {
        await this.opts.store.saveStepState(run.id, step.idx, patch, owner);
        Object.assign(step.state, patch);
      },
      outputOf: (kind) => [...run.steps].reverse().find((s) => s.kind === kind && s.status === 'succeeded')?.output ?? undefined,
    };
    const running = processor.run(ctx);
    try {
      const outcome: StepOutcome = await Promise.race([running, timeout]);
      if (outcome.type === 'wait') return { result: { type: 'wait', delayMs: outcome.retryAfterMs ?? policy.pollMs, detail: outcome.detail } };
      return { result: outcome };
    } catch (err) {
      const error = toErrorRecord(err);
      this.log.warn({ runId: run.id, step: step.name, attempt: step.attempt, error }, 'step execution failed');
      const stillRunning = timedOut ? running.catch(() => undefined) : undefined;
      if (error.retryable && step.attempt < policy.maxAttempts) return { result: { type: 'retry', error, delayMs: backoffDelay(policy, step.attempt + 1) }, stillRunning };
      return { result: { type: 'fail', error: error.retryable ? exhausted(error, step.attempt) : error }, stillRunning };
    } finally {
      clearTimeout(timer);
    }
  }
}

function deadlineError(step: Step, policy: StepPolicy): ErrorRecord {
  const minutes = Math.round(policy.deadlineMs / 60_000);
  return {
    code: 'STEP_DEADLINE',
    message: `"${step.name}" has not completed within ${minutes} min of starting. Check the provider's console; /dr resume continues waiting, /dr abort cleans up.`,
    retryable: false,
  };
}

function exhausted(error: ErrorRecord, attempts: number): ErrorRecord {
  return { ...error, message: `${error.message} (gave up after ${attempts} attempts; /dr resume tries again)`, retryable: false };
}
