import type { ErrorRecord } from './errors';
import type { RestoreTarget } from '../providers/ports';

export type RunStatus = 'planned' | 'awaiting_approval' | 'running' | 'rolling_back' | 'succeeded' | 'failed' | 'aborted';
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';
export type RunPath = 'pitr' | 'restore' | 'drill' | 'failover' | 'custom';

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['planned', 'awaiting_approval', 'running', 'rolling_back'];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'aborted'];

/** One step of a plan, before it runs. `gate` names the approval a gate step waits for. */
export interface StepSpec {
  kind: string;
  name: string;
  gate?: string;
  params?: Record<string, unknown>;
}

export interface Plan {
  path: RunPath;
  database: string;
  target: RestoreTarget;
  steps: StepSpec[];
}

export interface Step {
  runId: string;
  idx: number;
  kind: string;
  name: string;
  params: Record<string, unknown>;
  status: StepStatus;
  attempt: number;
  wake: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  nextAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  state: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: ErrorRecord | null;
  detail: string | null;
  compensatedAt: Date | null;
}

export interface Approval {
  stepIdx: number;
  gate: string;
  decidedBy: string;
  decision: 'approved' | 'rejected';
  decidedAt: Date;
}

export interface Run {
  id: string;
  database: string;
  path: RunPath;
  status: RunStatus;
  requestedBy: string;
  channel: string | null;
  target: RestoreTarget;
  plan: Plan;
  planHash: string;
  currentStep: number;
  error: ErrorRecord | null;
  endedBy: string | null;
  meta: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  steps: Step[];
  approvals: Approval[];
}

/** What a job carries: "advance run R at step N", valid only while the step still has this attempt and wake. */
export interface StepTicket {
  runId: string;
  idx: number;
  attempt: number;
  wake: number;
}

export function isActive(status: RunStatus): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}
