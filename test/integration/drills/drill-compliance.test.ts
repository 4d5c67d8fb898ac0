import { drillEtaHistory } from '../../../src/persistence/drill-eta';
import { renderCompliance } from '../../../src/slack/drill-compliance';
import { CHANNEL, createDrillHarness, DEFAULT_DRILLS, drillConfigYaml, waitFor, type DrillHarness } from './drill-harness';

// Compliance from the stored reports: the last drill, the next one, overdue by policy; the
// weekly reminder names overdue databases in their channels; freeze windows postpone and say so.

const extra = `
  billing-db:
    provider: rds-instance
    rto: 1h
    rpo: 15m
    operators: [U0OPERATOR1]
    source: { instanceId: billing-db, region: eu-central-1 }
    drills: { schedule: "0 4 1 * *", channel: ${CHANNEL}, policy: 7d }
  plain-db:
    provider: rds-instance
    rto: 1h
    rpo: 15m
    operators: [U0OPERATOR1]
    source: { instanceId: plain-db, region: eu-central-1 }
`;

describe('drill compliance', () => {
  let h: DrillHarness;
  afterEach(async () => h?.close());

  it('marks a database overdue by its policy, and the reminder names it in its channel', async () => {
    h = await createDrillHarness({ yaml: drillConfigYaml(DEFAULT_DRILLS, extra), now: new Date().toISOString() });
    h.startWorkers();
    const { drill } = await h.service.startManual('orders-db', 'U0OPERATOR1', CHANNEL);
    const done = await h.waitForDrill(drill.id, (d) => d.status === 'succeeded', 'the drill to succeed');
    const run = await h.engine.store.getRun(done.runId as string);
    // ETA history for live messages: whole drills for drill runs, restore-to-validated for recoveries.
    expect(await drillEtaHistory(h.pool, 'orders-db', 'drill')).toEqual([(run?.finishedAt as Date).getTime() - (run?.createdAt as Date).getTime()]);
    expect(await drillEtaHistory(h.pool, 'orders-db', 'pitr')).toEqual([done.report?.rto.ms]);
    expect(await h.service.etaHistory('orders-db', 'restore')).toEqual([done.report?.rto.ms]);
    expect(await drillEtaHistory(h.pool, 'billing-db', 'pitr')).toEqual([]);

    const now = await h.service.compliance();
    const byName = Object.fromEntries(now.map((e) => [e.database, e]));
    expect(now.map((e) => e.database)).toEqual(['billing-db', 'orders-db', 'plain-db']);
    expect(byName['billing-db']).toMatchObject({ overdue: true, scheduled: true, policyMs: 7 * 86_400_000 });
    expect(byName['billing-db']?.last).toBeUndefined();
    expect(byName['orders-db']).toMatchObject({ overdue: false, scheduled: true, last: { drillId: drill.id, result: 'succeeded', rtoMet: true, rpoMet: true } });
    expect(byName['orders-db']?.next?.toISOString()).toMatch(/T03:00:00.000Z$/);
    expect(byName['plain-db']).toMatchObject({ overdue: false, scheduled: false });

    h.clock.advance(91 * 86_400_000);
    const later = await h.service.compliance();
    expect(later.filter((e) => e.overdue).map((e) => e.database)).toEqual(['billing-db', 'orders-db']);
    const view = renderCompliance(later, h.clock.now(), 'UTC');
    expect(view.text).toBe('Drill compliance: 2 databases overdue');
    expect(JSON.stringify(view.blocks)).toContain('🔴 *orders-db* — *overdue*: last successful drill');

    expect(await h.service.remind()).toEqual([{ channel: CHANNEL, databases: ['billing-db', 'orders-db'] }]);
    const reminder = await waitFor(() => h.messages().find((m) => m.text.startsWith('Drills overdue')), 'the reminder');
    expect(reminder.text).toBe('Drills overdue: billing-db, orders-db');
  });

  it('does not drill inside a freeze window, says so once per window, and names the next drill', async () => {
    h = await createDrillHarness({ yaml: drillConfigYaml(`${DEFAULT_DRILLS}\nfreezeWindows: [{ from: "2024-05-06", to: "2024-05-19" }]`) });
    const first = await h.service.fire('orders-db', new Date('2024-05-06T02:59:58Z'));
    expect(first).toMatchObject({ type: 'frozen', window: { from: '2024-05-06', to: '2024-05-19' }, next: new Date('2024-05-20T03:00:00Z') });
    expect(first.type === 'frozen' && first.drill.status).toBe('cancelled');
    const second = await h.service.fire('orders-db', new Date('2024-05-13T02:59:58Z'));
    expect(second.type).toBe('frozen');
    const notices = h.messages();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('freeze window 2024-05-06 – 2024-05-19');
    expect(notices[0]?.text).toContain('2024-05-20');
    expect((await h.service.fire('orders-db', new Date('2024-05-20T02:59:58Z'))).type).toBe('announced');
  });

  it('supersedes a drill still waiting when the next slot is announced', async () => {
    h = await createDrillHarness();
    const old = await h.service.fire('orders-db', new Date('2024-05-06T02:59:58Z'));
    if (old.type !== 'announced') throw new Error(old.type);
    const next = await h.service.fire('orders-db', new Date('2024-05-13T02:59:58Z'));
    expect(next.type).toBe('announced');
    expect(await h.store.get(old.drill.id)).toMatchObject({ status: 'cancelled', note: expect.stringContaining('superseded') });
  });
});
