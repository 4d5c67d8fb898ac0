import { drillPlan, drillTarget } from '../../../src/drills/drill-plan';
import { buildDrillReport, drillResult, sandboxState, validatedAt } from '../../../src/drills/drill-report';
import { durationsFor } from '../../../src/drills/drill-history';
import { complianceOf } from '../../../src/drills/compliance';
import { mayChangeDrill } from '../../../src/drills/drill-policy';
import { parseConfig } from '../../../src/config/load';
import type { Run } from '../../../src/recovery/run';
import { makeRun, setStep } from '../../support/run-factory';

const t = (s: string) => new Date(`2024-05-06T03:${s}Z`);
const DRILL = { id: 'd-k3m9qz', kind: 'drill', trigger: 'schedule' } as const;

function finishedDrillRun(): Run {
  const plan = drillPlan({ name: 'orders-db', validation: [] }, { kind: 'latest' });
  const run = makeRun(plan, { status: 'succeeded', createdAt: t('00:00'), finishedAt: t('09:30') });
  setStep(run, 0, { status: 'succeeded', startedAt: t('00:01'), finishedAt: t('00:02'), output: { latest: '2024-05-06T02:58:30.000Z' } });
  setStep(run, 1, { status: 'succeeded', startedAt: t('00:02'), finishedAt: t('00:03'), state: { ref: { provider: 'rds', id: 'orders-db-drill-k3m9qz' } } });
  setStep(run, 2, { status: 'succeeded', startedAt: t('00:03'), finishedAt: t('08:00') });
  setStep(run, 3, { status: 'succeeded', startedAt: t('08:00'), finishedAt: t('08:40'), output: { checks: [{ name: 'orders', passed: true, value: '42', expected: '> 0' }] } });
  setStep(run, 4, { status: 'succeeded', startedAt: t('08:40'), finishedAt: t('08:45'), output: { check: { name: 'smoke test', passed: true, value: 'ok', expected: 'ok' } } });
  setStep(run, 5, { status: 'succeeded', startedAt: t('08:45'), finishedAt: t('09:30') });
  return run;
}

describe('the drill plan', () => {
  it('adds a smoke test after validation and never cuts over', () => {
    const plan = drillPlan({ name: 'orders-db', validation: [] }, { kind: 'latest' });
    expect(plan.steps.map((s) => s.kind)).toEqual(['check-window', 'restore', 'wait-available', 'validate', 'drill-smoke', 'teardown']);
    expect(plan.steps[1]?.params).toEqual({ nameSuffix: 'drill' });
    expect(drillPlan({ name: 'orders-db', validation: [] }, { kind: 'backup', backupId: 'b' }, 'verification').steps[1]?.params).toEqual({ nameSuffix: 'verify' });
  });

  it('targets the latest point, or a random whole second inside the window', () => {
    const window = { earliest: new Date('2024-05-01T00:00:00.400Z'), latest: new Date('2024-05-01T00:00:10.900Z') };
    expect(drillTarget('latest', window)).toEqual({ kind: 'latest' });
    expect(drillTarget('random', window, () => 0)).toEqual({ kind: 'time', at: new Date('2024-05-01T00:00:01Z') });
    expect(drillTarget('random', window, () => 0.9999)).toEqual({ kind: 'time', at: new Date('2024-05-01T00:00:10Z') });
  });
});

describe('the drill report', () => {
  it('measures RTO to the end of validation and RPO against the run start, from the run alone', () => {
    const report = buildDrillReport(DRILL, finishedDrillRun(), { rtoMs: 15 * 60_000, rpoMs: 60_000 }, { status: 'done', problem: null });
    expect(report.rto).toEqual({ ms: 8 * 60_000 + 45_000, objectiveMs: 15 * 60_000, met: true });
    expect(report.rpo).toEqual({ ms: 90_000, objectiveMs: 60_000, met: false });
    expect(report.steps.map((s) => s.durationMs)).toEqual([1000, 1000, 477_000, 40_000, 5_000, 45_000]);
    expect(report.checks).toEqual([{ name: 'orders', passed: true, value: '42', expected: '> 0' }]);
    expect(report.smoke?.passed).toBe(true);
    expect(report.teardown).toEqual({ status: 'done', resource: 'orders-db-drill-k3m9qz', problem: null });
    expect(report.result).toBe('succeeded');
  });

  it('leaves RTO unmeasured when validation never passed, and calls the drill failed', () => {
    const run = finishedDrillRun();
    run.status = 'aborted';
    setStep(run, 3, { status: 'failed', error: { code: 'VALIDATION_FAILED', message: 'Validation failed: orders = 0', retryable: false } });
    expect(validatedAt(run)).toBeNull();
    expect(drillResult(run)).toBe('failed');
    const report = buildDrillReport(DRILL, run, { rtoMs: 1, rpoMs: 1 }, { status: 'done', problem: null });
    expect(report).toMatchObject({ result: 'failed', rto: { ms: null, met: null }, problem: 'Validation failed: orders = 0' });
  });

  it('tears down a failed run first, and settles once the abort has ended', () => {
    expect(sandboxState({ status: 'running', error: null }, false)).toEqual({ state: 'running' });
    expect(sandboxState({ status: 'failed', error: { code: 'VALIDATION_FAILED', message: '', retryable: false } }, false)).toEqual({ state: 'needs-teardown' });
    expect(sandboxState({ status: 'failed', error: { code: 'VALIDATION_FAILED', message: '', retryable: false } }, true)).toEqual({ state: 'tearing-down' });
    expect(sandboxState({ status: 'rolling_back', error: null }, true)).toEqual({ state: 'tearing-down' });
    expect(sandboxState({ status: 'aborted', error: null }, true)).toEqual({ state: 'settled', teardown: 'done', problem: null });
    expect(sandboxState({ status: 'failed', error: { code: 'COMPENSATION_FAILED', message: 'could not undo', retryable: false } }, true)).toEqual({ state: 'settled', teardown: 'failed', problem: 'could not undo' });
  });

  it('gives the ETA history: whole drills for drills, restore-to-validated for other paths', () => {
    const report = buildDrillReport(DRILL, finishedDrillRun(), { rtoMs: 1, rpoMs: 1 }, { status: 'done', problem: null });
    expect(durationsFor([report], 'drill')).toEqual([9 * 60_000 + 30_000]);
    expect(durationsFor([report], 'pitr')).toEqual([8 * 60_000 + 45_000]);
  });
});

describe('who may change a drill, and compliance', () => {
  const db = { name: 'orders-db', operators: ['U0OPERATOR1'], approvers: ['U0APPROVER1'] };
  const drill = { id: 'd-k3m9qz', database: 'orders-db', status: 'announced' as const };

  it('allows operators, approvers and the incident commander, and refuses others saying whom to ask', () => {
    expect(mayChangeDrill('U0OPERATOR1', drill, db).allowed).toBe(true);
    expect(mayChangeDrill('U0APPROVER1', drill, db).allowed).toBe(true);
    expect(mayChangeDrill('U0INCIDENT1', drill, db, 'U0INCIDENT1').allowed).toBe(true);
    const refused = mayChangeDrill('U0STRANGER1', drill, db, 'U0INCIDENT1') as { allowed: false; reason: string };
    expect(refused.reason).toContain('<@U0OPERATOR1>, <@U0APPROVER1>');
    expect(refused.reason).toContain('<@U0INCIDENT1>');
    expect((mayChangeDrill('U0OPERATOR1', { ...drill, status: 'running' }, db) as { reason: string }).reason).toContain('/dr abort');
  });

  it('is overdue past the policy since the last success, or with none on record', () => {
    const config = parseConfig(`
databases:
  orders-db:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [U0OPERATOR1]
    source: { instanceId: orders-db }
    drills: { schedule: "0 3 1 */3 *", channel: C0DRILLS01, policy: 90d }
`);
    const now = new Date('2024-05-06T12:00:00Z');
    const fresh = new Map([['orders-db', { lastSuccessAt: new Date('2024-03-01T03:10:00Z') }]]);
    expect(complianceOf(config, fresh, now)[0]).toMatchObject({ overdue: false, dueAt: new Date('2024-05-30T03:10:00Z'), next: new Date('2024-07-01T03:00:00Z') });
    expect(complianceOf(config, fresh, new Date('2024-06-01T00:00:00Z'))[0]?.overdue).toBe(true);
    expect(complianceOf(config, new Map(), now)[0]?.overdue).toBe(true);
  });
});
