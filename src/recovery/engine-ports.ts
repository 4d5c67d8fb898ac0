import type { ErrorRecord } from './errors';
import type { Plan, Run, Step, StepTicket } from './run';

export type ScheduledStep = { ticket: StepTicket; delayMs: number };

export type ClaimResult = { ok: true; run: Run; step: Step } | { ok: false; reason: string };

export type StepResult =
  | { type: 'done'; output?: Record<string, unknown>; detail?: string }
  | { type: 'wait'; delayMs: number; detail?: string }
  | { type: 'gate'; detail?: string }
  | { type: 'retry'; error: ErrorRecord; delayMs: number; keepLease?: boolean }
  | { type: 'fail'; error: ErrorRecord; keepLease?: boolean };

export interface Reconcilable {
  runId: string;
  status: Run['status'];
  step?: Step;
}

/** The store as the engine sees it; PostgreSQL implements it in src/persistence. */
export interface RunStore {
  createRun(input: { plan: Plan; requestedBy: string; channel?: string | null; meta?: Record<string, unknown> }): Promise<Run>;
  getRun(id: string): Promise<Run | undefined>;
  claimStep(t: StepTicket, owner: string, leaseMs: number): Promise<ClaimResult>;
  renewLease(t: StepTicket, owner: string, leaseMs: number): Promise<boolean>;
  /** Fenced: writes only while `owner` holds the step's lease, else throws LEASE_LOST. */
  saveStepState(runId: string, idx: number, patch: Record<string, unknown>, owner?: string): Promise<void>;
  releaseLease(runId: string, idx: number, owner: string): Promise<void>;
  recordOutcome(t: StepTicket, owner: string, result: StepResult): Promise<{ accepted: boolean; run?: Run; next?: ScheduledStep }>;
  approveGate(d: { runId: string; gate: string; planHash: string; actor: string }): Promise<{ run: Run; next?: ScheduledStep }>;
  abortRun(runId: string, actor: string, reason: string, needsCompensation: (s: Step) => boolean): Promise<{ run: Run; compensate: boolean }>;
  markCompensated(runId: string, idx: number, actor: string): Promise<void>;
  finishRollback(runId: string, error?: ErrorRecord): Promise<Run>;
  /** succeeded → rolling_back for a cutover rollback of `steps`, retaking the database's lock. */
  beginCutoverRollback(runId: string, actor: string, steps: number[]): Promise<Run>;
  mergeRunMeta(runId: string, patch: Record<string, unknown>): Promise<void>;
  resumeRun(runId: string, actor: string): Promise<{ run: Run; next: ScheduledStep }>;
  listReconcilable(): Promise<Reconcilable[]>;
  takeOverExpiredLease(runId: string, idx: number): Promise<StepTicket | undefined>;
}

/** Transport for "advance run R at step N"; BullMQ implements it in src/queue. */
export interface StepScheduler {
  scheduleStep(s: ScheduledStep): Promise<void>;
  /** `waitTag` makes a distinct job for a look-again that keeps the same round (waiting on a lease is no failure). */
  scheduleCompensation(runId: string, delayMs: number, round: number, waitTag?: string): Promise<void>;
}

/** Told after every committed change of a run (the Slack notifier and metrics listen). */
export interface RunObserver {
  runChanged(run: Run, event: string): void;
}
