import type { RunObserver, RunStore, StepScheduler } from './engine-ports';
import { toErrorRecord } from './errors';
import type { Plan, Run } from './run';
import { ticketOf } from './ticket';
import type { ProcessorRegistry } from './step-processor';
import type { EngineLogger, StepExecutor } from './step-executor';

export interface RunEngineOptions {
  store: RunStore;
  scheduler: StepScheduler;
  processors: ProcessorRegistry;
  executor: StepExecutor;
  observer?: RunObserver;
  logger?: EngineLogger;
  /** Compensation retries before a rollback is declared failed (and handed to humans). */
  maxCompensationRounds?: number;
}

/**
 * The use cases every recovery path shares: start, approve, abort (with compensation), resume,
 * and reconcile. Each commits to the store first and enqueues after, so a lost enqueue is only
 * a delay until the next reconcile.
 */
export class RunEngine {
  constructor(private readonly o: RunEngineOptions) {}

  async start(input: { plan: Plan; requestedBy: string; channel?: string | null; meta?: Record<string, unknown> }): Promise<Run> {
    const run = await this.o.store.createRun(input);
    this.changed(run, 'run.planned');
    const first = run.steps[0];
    if (first) await this.o.executor.schedule(ticketOf(first), 0);
    return run;
  }

  async approve(d: { runId: string; gate: string; planHash: string; actor: string }): Promise<Run> {
    const { run, next } = await this.o.store.approveGate(d);
    this.changed(run, 'gate.approved');
    if (next) await this.o.executor.schedule(next.ticket, next.delayMs);
    return run;
  }

  async abort(runId: string, actor: string, reason = 'aborted by request'): Promise<Run> {
    const { run, compensate } = await this.o.store.abortRun(runId, actor, reason, (s) => Boolean(this.o.processors.get(s.kind)?.compensate));
    this.changed(run, 'run.aborted');
    if (compensate) await this.o.scheduler.scheduleCompensation(run.id, 0, 0).catch(() => undefined);
    return run;
  }

  async resume(runId: string, actor: string): Promise<Run> {
    const { run, next } = await this.o.store.resumeRun(runId, actor);
    this.changed(run, 'run.resumed');
    await this.o.executor.schedule(next.ticket, next.delayMs);
    return run;
  }

  /**
   * Undoes, newest first, what the steps of an aborted run did. Waits while a step is still
   * leased (its worker may be mid-call and about to save a resource ref). Idempotent per step.
   */
  async compensate(runId: string, round: number): Promise<void> {
    const run = await this.o.store.getRun(runId);
    if (!run || run.status !== 'rolling_back') return;
    const now = Date.now();
    const leased = run.steps.find((s) => s.leaseUntil && s.leaseUntil.getTime() > now);
    if (leased?.leaseUntil) {
      await this.o.scheduler.scheduleCompensation(runId, leased.leaseUntil.getTime() - now + 50, round + 1);
      return;
    }
    for (const step of [...run.steps].reverse()) {
      const processor = this.o.processors.get(step.kind);
      if (!processor?.compensate || !step.startedAt || step.compensatedAt) continue;
      try {
        await processor.compensate({ run, step, actor: run.endedBy ?? run.requestedBy, outputOf: (k) => run.steps.find((s) => s.kind === k)?.output ?? undefined });
        await this.o.store.markCompensated(run.id, step.idx, run.endedBy ?? 'rewind');
      } catch (err) {
        const error = toErrorRecord(err);
        const max = this.o.maxCompensationRounds ?? 5;
        if (error.retryable && round + 1 < max) {
          await this.o.scheduler.scheduleCompensation(runId, Math.min(60_000, 1000 * 2 ** round), round + 1);
          return;
        }
        const failed = await this.o.store.finishRollback(runId, {
          code: 'COMPENSATION_FAILED',
          message: `Aborting run ${run.id} could not undo "${step.name}": ${error.message} Clean it up by hand; the step's saved state names what was created.`,
          retryable: false,
        });
        this.changed(failed, 'run.failed');
        return;
      }
    }
    this.changed(await this.o.store.finishRollback(runId), 'run.aborted');
  }

  /**
   * Re-enqueues the current step of every active run (at worker start and every minute), so a
   * flushed Redis, a lost job or a dead worker costs at most one interval. Steps whose lease
   * expired are taken over first, which makes the dead worker's late results stale.
   */
  async reconcile(): Promise<number> {
    let enqueued = 0;
    const now = Date.now();
    for (const r of await this.o.store.listReconcilable()) {
      try {
        if (r.status === 'rolling_back') {
          await this.o.scheduler.scheduleCompensation(r.runId, 0, -1);
          enqueued++;
          continue;
        }
        const step = r.step;
        if (!step || r.status === 'awaiting_approval') continue;
        if (!['pending', 'running', 'waiting'].includes(step.status)) continue;
        if (step.leaseUntil && step.leaseUntil.getTime() > now) continue;
        const ticket = step.leaseUntil ? await this.o.store.takeOverExpiredLease(r.runId, step.idx) : ticketOf(step);
        if (!ticket) continue;
        await this.o.scheduler.scheduleStep({ ticket, delayMs: Math.max(0, (step.nextAt?.getTime() ?? now) - now) });
        enqueued++;
      } catch (err) {
        this.o.logger?.warn({ runId: r.runId, err: (err as Error).message }, 'reconcile failed for run');
      }
    }
    return enqueued;
  }

  private changed(run: Run, event: string): void {
    this.o.observer?.runChanged(run, event);
  }
}
