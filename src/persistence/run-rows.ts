import type { RestoreTarget } from '../providers/ports';
import type { Approval, Plan, Run, Step } from '../recovery/run';

/** JSON loses Date; targets are stored with ISO strings and revived here. */
export function reviveTarget(raw: unknown): RestoreTarget {
  const t = raw as { kind: string; at?: string; backupId?: string };
  if (t.kind === 'time') return { kind: 'time', at: new Date(t.at as string) };
  if (t.kind === 'backup') return { kind: 'backup', backupId: t.backupId as string };
  return { kind: 'latest' };
}

export function serializeTarget(t: RestoreTarget): Record<string, unknown> {
  return t.kind === 'time' ? { kind: 'time', at: t.at.toISOString() } : { ...t };
}

export function serializePlan(p: Plan): Record<string, unknown> {
  return { ...p, target: serializeTarget(p.target) };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- pg rows are untyped records */
export function toStep(r: any): Step {
  return {
    runId: r.run_id,
    idx: r.idx,
    kind: r.kind,
    name: r.name,
    params: r.params,
    status: r.status,
    attempt: r.attempt,
    wake: r.wake,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    nextAt: r.next_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    state: r.state,
    output: r.output,
    error: r.error,
    detail: r.detail,
    compensatedAt: r.compensated_at,
  };
}

export function toApproval(r: any): Approval {
  return { stepIdx: r.step_idx, gate: r.gate, decidedBy: r.decided_by, decision: r.decision, decidedAt: r.decided_at };
}

export function toRun(r: any, steps: Step[], approvals: Approval[]): Run {
  const plan = r.plan as Plan;
  return {
    id: r.id,
    database: r.database,
    path: r.path,
    status: r.status,
    requestedBy: r.requested_by,
    channel: r.channel,
    target: reviveTarget(r.target),
    plan: { ...plan, target: reviveTarget(plan.target) },
    planHash: r.plan_hash,
    currentStep: r.current_step,
    error: r.error,
    endedBy: r.ended_by,
    meta: r.meta,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    steps,
    approvals,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
