import type { Pool } from 'pg';
import type { RunStore } from '../recovery/engine-ports';
import type { ErrorRecord } from '../recovery/errors';
import type { Step, StepTicket } from '../recovery/run';
import type { Scrubber } from './audit-log';
import { auditTrail } from './audit-log';
import { abortRun, approveGate, beginCutoverRollback, finishRollback, listReconcilable, markCompensated, resumeRun, takeOverExpiredLease, type GateDecision } from './run-commands';
import { activeRunFor, countRunsByStatus, createRun, listRuns, loadRun, mergeRunMeta, saveStepState, type NewRun } from './run-store';
import { claimStep, recordOutcome, releaseLease, renewLease } from './step-claims';
import type { StepResult } from '../recovery/engine-ports';

/** PostgreSQL implementation of the engine's RunStore; `scrub` keeps secrets out of the audit trail. */
export class PgRunStore implements RunStore {
  constructor(
    readonly pool: Pool,
    private readonly scrub: Scrubber = (v) => v,
  ) {}

  createRun(input: NewRun) {
    return createRun(this.pool, this.scrub, input);
  }
  getRun(id: string) {
    return loadRun(this.pool, id);
  }
  listRuns(opts?: { database?: string; active?: boolean; limit?: number }) {
    return listRuns(this.pool, opts);
  }
  activeRunFor(database: string) {
    return activeRunFor(this.pool, database);
  }
  countRunsByStatus() {
    return countRunsByStatus(this.pool);
  }
  auditTrail(runId: string) {
    return auditTrail(this.pool, runId);
  }
  mergeRunMeta(runId: string, patch: Record<string, unknown>) {
    return mergeRunMeta(this.pool, runId, patch);
  }
  claimStep(t: StepTicket, owner: string, leaseMs: number) {
    return claimStep(this.pool, this.scrub, t, owner, leaseMs);
  }
  renewLease(t: StepTicket, owner: string, leaseMs: number) {
    return renewLease(this.pool, t, owner, leaseMs);
  }
  saveStepState(runId: string, idx: number, patch: Record<string, unknown>, owner?: string) {
    return saveStepState(this.pool, runId, idx, patch, owner);
  }
  releaseLease(runId: string, idx: number, owner: string) {
    return releaseLease(this.pool, runId, idx, owner);
  }
  recordOutcome(t: StepTicket, owner: string, result: StepResult) {
    return recordOutcome(this.pool, this.scrub, t, owner, result);
  }
  approveGate(d: GateDecision) {
    return approveGate(this.pool, this.scrub, d);
  }
  abortRun(runId: string, actor: string, reason: string, needsCompensation: (s: Step) => boolean) {
    return abortRun(this.pool, this.scrub, runId, actor, reason, needsCompensation);
  }
  markCompensated(runId: string, idx: number, actor: string) {
    return markCompensated(this.pool, this.scrub, runId, idx, actor);
  }
  finishRollback(runId: string, error?: ErrorRecord) {
    return finishRollback(this.pool, this.scrub, runId, error);
  }
  beginCutoverRollback(runId: string, actor: string, steps: number[]) {
    return beginCutoverRollback(this.pool, this.scrub, runId, actor, steps);
  }
  resumeRun(runId: string, actor: string) {
    return resumeRun(this.pool, this.scrub, runId, actor);
  }
  listReconcilable() {
    return listReconcilable(this.pool);
  }
  takeOverExpiredLease(runId: string, idx: number) {
    return takeOverExpiredLease(this.pool, this.scrub, runId, idx);
  }
}
