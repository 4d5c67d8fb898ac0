import { abortCompensationOf, compensationOrder, cutoverRollbackOf, pendingDelayOf, type AbortCompensation } from './cutover-rollback';
import type { RunObserver, RunStore, StepScheduler } from './engine-ports';
import { RewindError, toErrorRecord, type ErrorRecord } from './errors';
import type { Plan, Run, Step } from './run';
import { ticketOf } from './ticket';
import type { ProcessorRegistry } from './step-processor';
import type { EngineLogger, StepExecutor } from './step-executor';

/**
 * How long an abort waits on compensations that say "in progress, look again in N" (a copy
 * still being created before it can be deleted), counted from the abort. Failures are counted
 * apart and get maxCompensationRounds quick retries.
 */
const ABORT_PENDING_DEADLINE_MS = 60 * 60_000;

export interface RunEngineOptions {
  store: RunStore;
  scheduler: StepScheduler;
  processors: ProcessorRegistry;
  executor: StepExecutor;
  observer?: RunObserver;
  logger?: EngineLogger;
  /** Compensation retries before a rollback is declared failed (and handed to humans). */
  maxCompensationRounds?: number;
  /** How long rolling back a cutover may take, restarts and health re-checks included (default 20 min). */
  cutoverRollbackDeadlineMs?: number;
  /** How long an abort waits for compensations in progress (default 60 min). */
  abortPendingDeadlineMs?: number;
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
   * Rolls back the cutover of a succeeded run: the cutover steps are undone (newest first; a
   * restart is redone after the secret it re-reads is back), the replaced database is released
   * from retention, health is checked again, and the run ends aborted. The restored database is
   * kept (it may hold writes made after the cutover) under retention, never deleted here.
   */
  async rollbackCutover(runId: string, actor: string): Promise<Run> {
    const run = await this.o.store.getRun(runId);
    if (!run) throw new RewindError({ code: 'RUN_NOT_FOUND', userMessage: `There is no run ${runId}. /dr status lists the recent runs.` });
    const previous = cutoverRollbackOf(run);
    if (run.status !== 'succeeded') {
      throw new RewindError({
        code: 'RUN_NOT_ROLLBACKABLE',
        userMessage: previous
          ? `The cutover of run ${run.id} was already rolled back (asked by ${previous.requestedBy}); it is ${run.status.replace('_', ' ')}. Nothing was changed.`
          : `Run ${run.id} is ${run.status.replace('_', ' ')}; only the cutover of a succeeded run can be rolled back. To stop an active run and undo what it did, use /dr abort ${run.id}.`,
      });
    }
    const order = compensationOrder(run, this.o.processors, true);
    if (!order.some((c) => c.role === 'undo' && !c.step.compensatedAt)) {
      throw new RewindError({ code: 'NO_CUTOVER_TO_ROLL_BACK', userMessage: `Run ${run.id} made no cutover that can be rolled back, so nothing was changed.` });
    }
    const started = await this.o.store.beginCutoverRollback(run.id, actor, order.map((c) => c.step.idx));
    this.changed(started, 'run.cutover_rollback_started');
    await this.o.scheduler.scheduleCompensation(run.id, 0, 0).catch(() => undefined);
    return started;
  }

  /**
   * Undoes what the steps of an aborted run did ('undo' steps newest first, then 'redo' steps),
   * or, for a cutover rollback, the steps it recorded. Waits while a step is still leased (its
   * worker may be mid-call and about to save a resource ref). Idempotent per step.
   */
  async compensate(runId: string, round: number): Promise<void> {
    const run = await this.o.store.getRun(runId);
    if (!run || run.status !== 'rolling_back') return;
    const now = Date.now();
    const leased = run.steps.find((s) => s.leaseUntil && s.leaseUntil.getTime() > now);
    if (leased?.leaseUntil) {
      // Look again soon: the execution usually ends (and lets go) long before its lease would run out.
      await this.o.scheduler.scheduleCompensation(runId, Math.min(1000, leased.leaseUntil.getTime() - now + 50), round, `w${now}`);
      return;
    }
    const rollback = cutoverRollbackOf(run);
    // A second chain of rounds (the reconciler's) arriving before the next round is due does nothing.
    const wakeAt = rollback ? rollback.wakeAt : abortCompensationOf(run)?.wakeAt;
    if (wakeAt && Date.parse(wakeAt) - 100 > now) return;
    const steps = rollback
      ? rollback.steps.map((idx) => run.steps[idx]).filter((s): s is Step => s !== undefined)
      : compensationOrder(run, this.o.processors, false).map((c) => c.step);
    for (const step of steps) {
      const processor = this.o.processors.get(step.kind);
      if (!processor?.compensate || step.compensatedAt) continue;
      try {
        await processor.compensate({ run, step, actor: run.endedBy ?? run.requestedBy, outputOf: (k) => run.steps.find((s) => s.kind === k)?.output ?? undefined });
        await this.o.store.markCompensated(run.id, step.idx, run.endedBy ?? 'rewind');
      } catch (err) {
        await this.compensationFailed(run, step, round, err);
        return;
      }
    }
    this.changed(await this.o.store.finishRollback(runId), rollback ? 'run.cutover_rolled_back' : 'run.aborted');
  }

  /** Retries later (a cutover rollback within its time budget, an abort within its rounds) or fails the run. */
  private async compensationFailed(run: Run, step: Step, round: number, err: unknown): Promise<void> {
    const error = toErrorRecord(err);
    const pendingMs = pendingDelayOf(err);
    const rollback = cutoverRollbackOf(run);
    let retryInMs: number | undefined;
    if (rollback) {
      const deadline = Date.parse(rollback.at) + (this.o.cutoverRollbackDeadlineMs ?? 20 * 60_000);
      const delay = pendingMs ?? Math.min(30_000, 1000 * 2 ** Math.min(round, 5));
      if (error.retryable && Date.now() + delay < deadline) retryInMs = delay;
    }
    let abort: AbortCompensation | undefined;
    if (!rollback) {
      // Runs aborted before the budget was recorded count from now.
      const started = abortCompensationOf(run) ?? { at: new Date().toISOString() };
      const failures = (started.failures ?? 0) + (pendingMs === undefined ? 1 : 0);
      const deadline = Date.parse(started.at) + (this.o.abortPendingDeadlineMs ?? ABORT_PENDING_DEADLINE_MS);
      if (pendingMs !== undefined && Date.now() + pendingMs < deadline) retryInMs = pendingMs;
      else if (pendingMs === undefined && error.retryable && failures < (this.o.maxCompensationRounds ?? 5)) retryInMs = Math.min(60_000, 1000 * 2 ** (failures - 1));
      abort = { ...started, failures };
    }
    if (retryInMs !== undefined) {
      const wakeAt = new Date(Date.now() + retryInMs).toISOString();
      if (rollback) await this.o.store.mergeRunMeta(run.id, { cutoverRollback: { ...rollback, wakeAt } });
      else await this.o.store.mergeRunMeta(run.id, { abortCompensation: { ...abort, wakeAt } });
      await this.o.scheduler.scheduleCompensation(run.id, retryInMs, round + 1);
      return;
    }
    const failure: ErrorRecord = rollback
      ? {
          code: 'CUTOVER_ROLLBACK_FAILED',
          message: `Rolling back the cutover of run ${run.id} stopped at "${step.name}": ${error.message} /dr abort ${run.id} tries the rollback again; or finish it by hand (the step's saved state names what was changed).`,
          retryable: false,
        }
      : {
          code: 'COMPENSATION_FAILED',
          message: `Aborting run ${run.id} could not undo "${step.name}": ${error.message.replace(/\s*Rewind will retry\.?$/, '')} Rewind has stopped trying${pendingMs !== undefined ? ' (it waited as long as an abort may)' : ` (${abort?.failures ?? 1} failed attempt${abort?.failures === 1 ? '' : 's'})`}: \`/dr abort ${run.id}\` tries again, or clean it up by hand; the step's saved state names what was created.`,
          retryable: false,
        };
    this.changed(await this.o.store.finishRollback(run.id, failure), 'run.failed');
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
