import { buildRecoveryPlan } from '../../src/recovery/plans';
import { planHash } from '../../src/recovery/plan-hash';
import type { Plan, Run, Step, StepSpec } from '../../src/recovery/run';

/**
 * Runs in every state for message tests, built in memory with fixed dates (no store, no clock),
 * so rendered output is byte-for-byte stable. Scenarios follow one PITR of prod-db-01 to
 * 2024-05-01T10:02:00Z, started at 10:05:00 UTC.
 */

export const OPERATOR = 'U0OPERATOR1';
export const APPROVER = 'U0APPROVER1';
export const IC = 'U0INCIDENT1';
export const CHANNEL = 'C0INCIDENTS';
export const TARGET_AT = new Date('2024-05-01T10:02:00Z');
export const CREATED_AT = new Date('2024-05-01T10:05:00Z');
export const INSTANCE = 'prod-db-01-dr-k3m9qz';

export const at = (hhmmss: string): Date => new Date(`2024-05-01T${hhmmss}Z`);

export function pitrPlan(cutovers = ['pgbouncer', 'app-secret']): Plan {
  return buildRecoveryPlan({ database: 'prod-db-01', cutovers, healthChecks: 1, validationChecks: 2 }, { kind: 'time', at: TARGET_AT });
}

export function makeStep(runId: string, idx: number, spec: StepSpec, patch: Partial<Step> = {}): Step {
  return {
    runId,
    idx,
    kind: spec.kind,
    name: spec.name,
    params: { ...(spec.params ?? {}), ...(spec.gate ? { gate: spec.gate } : {}) },
    status: 'pending',
    attempt: 0,
    wake: 0,
    leaseOwner: null,
    leaseUntil: null,
    nextAt: null,
    startedAt: null,
    finishedAt: null,
    state: {},
    output: null,
    error: null,
    detail: null,
    compensatedAt: null,
    ...patch,
  };
}

/** A planned run of `plan`, every step pending. */
export function makeRun(plan: Plan = pitrPlan(), patch: Partial<Run> = {}): Run {
  const id = patch.id ?? 'r-k3m9qz';
  return {
    id,
    database: plan.database,
    path: plan.path,
    status: 'planned',
    requestedBy: OPERATOR,
    channel: CHANNEL,
    target: plan.target,
    plan,
    planHash: planHash(plan),
    currentStep: 0,
    error: null,
    endedBy: null,
    meta: {},
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    finishedAt: null,
    steps: plan.steps.map((spec, idx) => makeStep(id, idx, spec)),
    approvals: [],
    ...patch,
  };
}

/** Sets fields of step `idx` (mutates and returns the run, for chaining in scenarios). */
export function setStep(run: Run, idx: number, patch: Partial<Step>): Run {
  const step = run.steps[idx];
  if (!step) throw new Error(`run ${run.id} has no step ${idx}`);
  Object.assign(step, { attempt: 1, ...patch });
  return run;
}

export function done(run: Run, idx: number, from: string, to: string, patch: Partial<Step> = {}): Run {
  return setStep(run, idx, { status: 'succeeded', startedAt: at(from), finishedAt: at(to), ...patch });
}

export function approve(run: Run, idx: number, gate: string, by: string, when: string): Run {
  run.approvals.push({ stepIdx: idx, gate, decidedBy: by, decision: 'approved', decidedAt: at(when) });
  return done(run, idx, run.steps[idx]?.startedAt?.toISOString().slice(11, 19) ?? when, when, { output: { approvedBy: by } });
}

export type Scenario = 'planned' | 'awaiting-restore' | 'running-waiting' | 'awaiting-cutover' | 'succeeded' | 'failed' | 'aborted' | 'rolling-back';

export const SCENARIOS: readonly Scenario[] = ['planned', 'awaiting-restore', 'running-waiting', 'awaiting-cutover', 'succeeded', 'failed', 'aborted', 'rolling-back'];

const CHECKS = [
  { name: 'orders_recent', passed: true, value: '1843', expected: '> 0' },
  { name: 'schema_version', passed: true, value: '2024_04_30_01', expected: '2024_04_30_01' },
];

/** The run in that state and the "now" it is rendered at. */
export function scenario(name: Scenario): { run: Run; now: Date } {
  const run = makeRun();
  const window = { engine: 'postgres', earliest: '2024-04-24T10:05:00.000Z', latest: '2024-05-01T10:04:30.000Z' };
  if (name === 'planned') return { run, now: at('10:05:02') };
  done(run, 0, '10:05:00', '10:05:04', { output: window, detail: 'restorable 2024-04-24T10:05:00.000Z – 2024-05-01T10:04:30.000Z' });
  if (name === 'aborted') {
    setStep(run, 1, { status: 'skipped', startedAt: at('10:05:04'), finishedAt: at('10:06:30'), detail: 'waiting for approval: restore' });
    for (let i = 2; i < run.steps.length; i++) setStep(run, i, { status: 'skipped', attempt: 0, finishedAt: at('10:06:30') });
    Object.assign(run, { status: 'aborted', currentStep: 1, endedBy: APPROVER, finishedAt: at('10:06:30'), updatedAt: at('10:06:30') });
    return { run, now: at('10:06:31') };
  }
  setStep(run, 1, { status: 'waiting', startedAt: at('10:05:04'), detail: 'waiting for approval: restore' });
  if (name === 'awaiting-restore') return { run: Object.assign(run, { status: 'awaiting_approval', currentStep: 1 }), now: at('10:06:00') };
  approve(run, 1, 'restore', APPROVER, '10:07:30');
  done(run, 2, '10:07:30', '10:07:33', { output: { ref: { provider: 'aws-rds', id: INSTANCE } }, state: { ref: { provider: 'aws-rds', id: INSTANCE } }, detail: `restoring into ${INSTANCE}` });
  if (name === 'running-waiting') {
    setStep(run, 3, { status: 'waiting', startedAt: at('10:07:33'), nextAt: at('10:15:15'), detail: `${INSTANCE} is creating (backing up)` });
    return { run: Object.assign(run, { status: 'running', currentStep: 3 }), now: at('10:15:00') };
  }
  if (name === 'rolling-back') {
    setStep(run, 3, { status: 'skipped', startedAt: at('10:07:33'), finishedAt: at('10:16:00'), detail: `${INSTANCE} is creating` });
    for (let i = 4; i < run.steps.length; i++) setStep(run, i, { status: 'skipped', attempt: 0, finishedAt: at('10:16:00') });
    Object.assign(run, { status: 'rolling_back', currentStep: 3, endedBy: OPERATOR, updatedAt: at('10:16:00') });
    return { run, now: at('10:16:05') };
  }
  done(run, 3, '10:07:33', '10:21:10', { output: { host: 'prod-db-01-dr-k3m9qz.abc.eu-central-1.rds.amazonaws.com', port: 5432 }, detail: `${INSTANCE} is available at prod-db-01-dr-k3m9qz.abc.eu-central-1.rds.amazonaws.com:5432` });
  if (name === 'failed') {
    const error = {
      code: 'VALIDATION_FAILED',
      message: 'Validation failed: orders_recent = 0 (expected > 0). The restored copy was not cut over; inspect it, then /dr resume to re-validate or /dr abort to discard it.',
      retryable: false,
    };
    setStep(run, 4, { status: 'failed', startedAt: at('10:21:10'), finishedAt: at('10:21:40'), attempt: 3, error });
    return { run: Object.assign(run, { status: 'failed', currentStep: 4, error, finishedAt: at('10:21:40'), updatedAt: at('10:21:40') }), now: at('10:30:00') };
  }
  done(run, 4, '10:21:10', '10:21:40', { output: { checks: CHECKS }, detail: '2 checks passed' });
  setStep(run, 5, { status: 'waiting', startedAt: at('10:21:40'), detail: 'waiting for approval: cutover' });
  if (name === 'awaiting-cutover') return { run: Object.assign(run, { status: 'awaiting_approval', currentStep: 5 }), now: at('10:23:00') };
  approve(run, 5, 'cutover', IC, '10:24:00');
  done(run, 6, '10:24:00', '10:24:20', { detail: 'pgbouncer: now points at prod-db-01-dr-k3m9qz.abc.eu-central-1.rds.amazonaws.com:5432' });
  done(run, 7, '10:24:20', '10:24:45', { detail: 'app-secret: now points at prod-db-01-dr-k3m9qz.abc.eu-central-1.rds.amazonaws.com:5432' });
  done(run, 8, '10:24:45', '10:26:30', { detail: '1 health check passed' });
  return { run: Object.assign(run, { status: 'succeeded', currentStep: 8, finishedAt: at('10:26:30'), updatedAt: at('10:26:30') }), now: at('10:40:00') };
}
