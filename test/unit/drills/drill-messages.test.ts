import type { Drill, DrillReport } from '../../../src/drills/drill';
import { renderDrillAnnouncement } from '../../../src/slack/drill-announcement';
import { renderCompliance, renderOverdueReminder } from '../../../src/slack/drill-compliance';
import { DRILL_ACTION, DRILL_BLOCK, encodeDrillValue, parseDrillModalMetadata, parseDrillValue } from '../../../src/slack/drill-ids';
import { drillChangeView, submittedPostponeMs, submittedReason } from '../../../src/slack/drill-modals';
import { renderDrillNotice } from '../../../src/slack/drill-notice';
import { renderReportJson, renderScorecard } from '../../../src/slack/drill-scorecard';
import { slackLimitProblems } from '../../support/slack-limits';

const NOW = new Date('2024-05-06T02:30:00Z');
const CTX = { zone: 'Europe/Berlin', now: NOW, rtoMs: 15 * 60_000, rpoMs: 5 * 60_000, target: 'latest' as const };

function drill(patch: Partial<Drill> = {}): Drill {
  return {
    id: 'd-k3m9qz',
    database: 'orders-db',
    kind: 'drill',
    trigger: 'schedule',
    status: 'announced',
    channel: 'C0DRILLS01',
    scheduledFor: new Date('2024-05-06T03:00:00Z'),
    startsAt: new Date('2024-05-06T03:00:00Z'),
    requestedBy: 'scheduler',
    runId: null,
    announcementTs: '1714960000.000100',
    teardown: 'pending',
    postponements: 0,
    note: null,
    decidedBy: null,
    report: null,
    createdAt: NOW,
    finishedAt: null,
    ...patch,
  };
}

function report(patch: Partial<DrillReport> = {}): DrillReport {
  return {
    version: 1,
    drillId: 'd-k3m9qz',
    runId: 'r-k3m9qz',
    database: 'orders-db',
    kind: 'drill',
    trigger: 'schedule',
    result: 'succeeded',
    target: 'latest',
    startedAt: '2024-05-06T03:00:00.000Z',
    validatedAt: '2024-05-06T03:08:45.000Z',
    finishedAt: '2024-05-06T03:09:30.000Z',
    latestRestorable: '2024-05-06T02:58:30.000Z',
    rto: { ms: 525_000, objectiveMs: 900_000, met: true },
    rpo: { ms: 90_000, objectiveMs: 60_000, met: false },
    steps: [
      { idx: 0, name: 'Check restore window', kind: 'check-window', status: 'succeeded', durationMs: 1000 },
      { idx: 1, name: 'Restore to the latest restorable time into a new instance', kind: 'restore', status: 'succeeded', durationMs: 1000 },
    ],
    checks: [{ name: 'orders', passed: true, value: '42', expected: '> 0' }],
    smoke: { name: 'smoke test', passed: true, value: 'ok', expected: 'promoted, readable and writable' },
    teardown: { status: 'done', resource: 'orders-db-drill-k3m9qz', problem: null },
    problem: null,
    endedBy: null,
    ...patch,
  };
}

describe('drill messages', () => {
  it('announce with Skip and Postpone only while the drill has not started, in both zones', () => {
    const m = renderDrillAnnouncement(drill(), CTX);
    expect(slackLimitProblems(m)).toEqual([]);
    expect(m.text).toBe('Restore drill: orders-db: starts at 03:00 UTC (05:00 CEST), in 30m');
    const actions = m.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => [e.action_id, parseDrillValue(e.value)])).toEqual([
      [DRILL_ACTION.skip, 'd-k3m9qz'],
      [DRILL_ACTION.postpone, 'd-k3m9qz'],
    ]);
    for (const status of ['running', 'succeeded', 'failed', 'aborted', 'skipped', 'cancelled'] as const) {
      const done = renderDrillAnnouncement(drill({ status, runId: 'r-k3m9qz', note: 'x', decidedBy: 'U0OPERATOR1' }), CTX);
      expect(slackLimitProblems(done)).toEqual([]);
      expect(done.blocks.some((b) => b.type === 'actions')).toBe(false);
    }
  });

  it('show who skipped and why, escaped so a reason cannot ping or forge a link', () => {
    const m = renderDrillAnnouncement(drill({ status: 'skipped', note: '<!channel> see <https://evil|here> '.repeat(40), decidedBy: 'U0OPERATOR1' }), CTX);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('Skipped* by <@U0OPERATOR1>');
    expect(text).not.toContain('<!channel>');
    expect(slackLimitProblems(m)).toEqual([]);
  });

  it('score every objective, step, check and the teardown, within limits however long the report', () => {
    const m = renderScorecard(report());
    expect(slackLimitProblems(m)).toEqual([]);
    expect(m.text).toBe('Drill scorecard: orders-db succeeded; RTO 8m45s met; RPO 1m30s missed; sandbox torn down');
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('RTO 8m45s* from the start of the drill to a validated copy; objective 15m ✅ met');
    expect(text).toContain('RPO 1m30s* behind the drill');
    expect(text).toContain('missed by 30s');
    const huge = report({
      result: 'failed',
      rto: { ms: null, objectiveMs: 900_000, met: null },
      problem: 'x'.repeat(5000),
      steps: Array.from({ length: 40 }, (_, i) => ({ idx: i, name: `step ${'y'.repeat(120)}`, kind: 'k', status: 'failed', durationMs: i })),
      checks: Array.from({ length: 40 }, (_, i) => ({ name: `check ${i}`, passed: false, value: 'v'.repeat(300), expected: 'e' })),
      teardown: { status: 'failed', resource: 'orders-db-drill-k3m9qz', problem: 'p'.repeat(2000) },
    });
    expect(slackLimitProblems(renderScorecard(huge))).toEqual([]);
    expect(JSON.stringify(renderScorecard(huge).blocks)).toContain('could not be torn down');
    const parts = renderReportJson(huge);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(slackLimitProblems(part)).toEqual([]);
    const [one, ...none] = renderReportJson(report());
    expect(none).toEqual([]);
    const json = (one?.blocks ?? []).map((b) => (b.type === 'section' ? b.text.text : '')).join('');
    expect(JSON.parse(json.replace(/```/g, '').replace(/&gt;/g, '>'))).toEqual(report());
  });

  it('list compliance overdue first and remind only with what is overdue', () => {
    const entries = [
      { database: 'billing-db', scheduled: true, channel: 'C0DRILLS01', policyMs: 7 * 86_400_000, overdue: true },
      { database: 'orders-db', scheduled: true, channel: 'C0DRILLS01', policyMs: 90 * 86_400_000, overdue: false, lastSuccessAt: new Date('2024-05-01T03:10:00Z'), last: { drillId: 'd-k3m9qz', result: 'succeeded' as const, finishedAt: new Date('2024-05-01T03:10:00Z'), rtoMet: true, rpoMet: false }, next: new Date('2024-05-13T01:00:00Z'), dueAt: new Date('2024-07-30T03:10:00Z') },
      { database: 'plain-db', scheduled: false, overdue: false },
    ];
    const m = renderCompliance(entries, NOW, 'UTC');
    expect(slackLimitProblems(m)).toEqual([]);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('🔴 *billing-db* — *overdue*: no successful drill on record, policy 7d');
    expect(text).toContain('🟢 *orders-db* — last drill `d-k3m9qz` succeeded 4d ago (RTO met, RPO missed) · next 01:00 UTC 2024-05-13 · due by 2024-07-30');
    expect(text).toContain('⚪ *plain-db* — no drill on record · no drills scheduled');
    expect(renderOverdueReminder([entries[0] as (typeof entries)[0]], NOW, 'UTC').text).toBe('Drills overdue: billing-db');
    const many = Array.from({ length: 200 }, (_, i) => ({ database: `db-${i}`, scheduled: false, overdue: false }));
    expect(slackLimitProblems(renderCompliance(many, NOW, 'UTC'))).toEqual([]);
  });

  it('say why a drill did not start, and raise the alarm when a sandbox is left behind', () => {
    const d = drill();
    const notices = [
      renderDrillNotice(d, { kind: 'postponed-incident', runId: 'r-abcdef', until: new Date('2024-05-06T04:00:00Z') }, 'UTC'),
      renderDrillNotice(d, { kind: 'frozen', window: { from: '2024-12-20', to: '2025-01-05' }, next: new Date('2025-01-06T02:00:00Z') }, 'UTC'),
      renderDrillNotice(d, { kind: 'teardown-failed', resource: 'orders-db-drill-k3m9qz', problem: 'access denied', runId: 'r-abcdef' }, 'UTC'),
    ];
    expect(notices[0]?.text).toContain('run `r-abcdef` is active on orders-db');
    expect(notices[0]?.text).toContain('Postponed to 04:00 UTC');
    expect(notices[1]?.text).toContain('The next drill is 02:00 UTC (2025-01-06)');
    expect(notices[2]?.text).toContain('/dr abort r-abcdef');
    for (const n of notices) expect(slackLimitProblems(n)).toEqual([]);
  });
});

describe('drill ids and modals', () => {
  it('carry exactly a drill id, and refuse anything else', () => {
    expect(parseDrillValue(encodeDrillValue('d-k3m9qz'))).toBe('d-k3m9qz');
    for (const bad of ['', '{}', '{"drillId":"r-k3m9qz"}', '{"drillId":"d-k3m9qz","x":1}', 'x'.repeat(300), 42]) expect(parseDrillValue(bad)).toBeUndefined();
    expect(() => encodeDrillValue('d-<script>')).toThrow();
    expect(parseDrillModalMetadata('{"channel":"C0DRILLS01","drillId":"d-k3m9qz"}')).toEqual({ channel: 'C0DRILLS01', drillId: 'd-k3m9qz' });
    expect(parseDrillModalMetadata('{"channel":"nope","drillId":"d-k3m9qz"}')).toBeUndefined();
  });

  it('ask a reason for both, and how long for a postponement', () => {
    const skip = drillChangeView('skip', drill(), 'C0DRILLS01', 'UTC');
    const postpone = drillChangeView('postpone', drill(), 'C0DRILLS01', 'UTC');
    expect(JSON.stringify(skip)).not.toContain(DRILL_BLOCK.postponeBy);
    expect(JSON.stringify(postpone)).toContain(DRILL_BLOCK.postponeBy);
    const state = (reason: string, by: string) => ({ state: { values: { [DRILL_BLOCK.reason]: { [DRILL_ACTION.reasonInput]: { value: reason } }, [DRILL_BLOCK.postponeBy]: { [DRILL_ACTION.postponeBy]: { value: by } } } } });
    expect(submittedReason(state('busy', '4h'))).toBe('busy');
    expect(submittedPostponeMs(state('busy', ' 4H '))).toBe(4 * 3_600_000);
    expect(submittedPostponeMs(state('busy', 'tomorrow'))).toBeNaN();
  });
});
