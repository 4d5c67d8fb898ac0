import type { DrillReport } from '../../../src/drills/drill';
import { RewindError } from '../../../src/recovery/errors';
import { countingProviders } from '../../support/counting-providers';
import { CHANNEL, createDrillHarness, OPERATOR, waitFor, WINDOW, type DrillHarness } from './drill-harness';

// A schedule fires → announcement → drill → teardown → scorecard, on real PostgreSQL and Redis
// with the fake Slack; and the sandbox is discarded however the drill ends.

const SLOT = new Date('2024-05-06T03:00:00Z');

describe('a scheduled drill', () => {
  let h: DrillHarness;
  afterEach(async () => h?.close());

  it('is announced, runs, tears down its sandbox and posts a scorecard matching the run', async () => {
    h = await createDrillHarness();
    h.startWorkers();
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    expect(fired.type).toBe('announced');
    if (fired.type !== 'announced') return;
    expect(fired.startsAt.toISOString()).toBe(SLOT.toISOString());

    const announcement = h.messages()[0];
    expect(announcement?.text).toContain('Restore drill: orders-db');
    const buttons = JSON.stringify(announcement?.blocks);
    expect(buttons).toContain('rewind-drill.skip');
    expect(buttons).toContain('rewind-drill.postpone');

    // The start job was scheduled 2 s ahead (the drill clock stands at the fire time).
    const drill = await h.waitForDrill(fired.drill.id, (d) => d.status === 'succeeded', 'the drill to succeed');
    const report = drill.report as DrillReport;
    const run = await h.engine.store.getRun(drill.runId as string);
    if (!run) throw new Error('no run');
    expect(run.path).toBe('drill');
    expect(run.steps.map((s) => s.kind)).toEqual(['check-window', 'restore', 'wait-available', 'validate', 'drill-smoke', 'teardown']);
    expect(run.steps.some((s) => s.kind === 'cutover')).toBe(false);

    // RTO: run created → smoke test finished; RPO: newest restorable point → run created.
    const smoke = run.steps.find((s) => s.kind === 'drill-smoke');
    expect(report.rto.ms).toBe((smoke?.finishedAt as Date).getTime() - run.createdAt.getTime());
    expect(report.rpo.ms).toBe(run.createdAt.getTime() - WINDOW.latest.getTime());
    expect(report.rto.met).toBe(true);
    expect(report.rpo.met).toBe(true);
    expect(report.checks).toEqual([{ name: 'orders rows', passed: true, value: '42', expected: '> 0' }]);
    expect(report.smoke?.passed).toBe(true);
    expect(report.teardown).toMatchObject({ status: 'done', resource: expect.stringMatching(/^orders-db-drill-/) });
    expect(await h.resources()).toEqual([{ name: report.teardown.resource, discarded: true }]);

    const scorecard = await waitFor(() => h.messages().find((m) => m.text.startsWith('Drill scorecard')), 'the scorecard');
    expect(scorecard.text).toContain('orders-db succeeded');
    expect(JSON.stringify(scorecard.blocks)).toContain('torn down');
    const updated = await waitFor(() => (h.messages()[0]?.text.includes('succeeded') ? h.messages()[0] : undefined), 'the announcement to show the end');
    expect(JSON.stringify(updated.blocks)).not.toContain('rewind-drill.skip');
    expect((await h.audit('drill.reported')).length).toBe(1);
  });

  it('tears the sandbox down when validation fails, and reports the failure', async () => {
    h = await createDrillHarness({
      providers: (pool) => ({
        ...countingProviders(pool, { window: WINDOW }),
        validator: { validate: async () => [{ name: 'orders rows', passed: false, value: '0', expected: '> 0' }] },
      }),
    });
    h.startWorkers();
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    if (fired.type !== 'announced') throw new Error(fired.type);
    const drill = await h.waitForDrill(fired.drill.id, (d) => d.status === 'failed', 'the drill to be reported failed');
    const run = await h.engine.store.getRun(drill.runId as string);
    expect(run?.status).toBe('aborted');
    expect(run?.endedBy).toBe('rewind');
    expect(run?.steps.find((s) => s.kind === 'validate')?.status).toBe('failed');
    expect(run?.steps.find((s) => s.kind === 'restore')?.compensatedAt).not.toBeNull();
    expect(await h.resources()).toEqual([{ name: drill.report?.teardown.resource, discarded: true }]);
    expect(drill.report).toMatchObject({ result: 'failed', rto: { ms: null, met: null }, teardown: { status: 'done' } });
    expect(drill.report?.problem).toContain('Validation failed');
    const scorecard = await waitFor(() => h.messages().find((m) => m.text.startsWith('Drill scorecard')), 'the scorecard');
    expect(scorecard.text).toContain('failed');
  });

  it('tears the sandbox down when aborted mid-restore', async () => {
    h = await createDrillHarness({ providers: (pool) => countingProviders(pool, { window: WINDOW, pollsUntilAvailable: 1_000_000 }), policies: { 'wait-available': { pollMs: 50 } } });
    h.startWorkers();
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    if (fired.type !== 'announced') throw new Error(fired.type);
    const running = await h.waitForDrill(fired.drill.id, (d) => d.status === 'running', 'the drill to start');
    await waitFor(async () => (await h.engine.store.getRun(running.runId as string))?.steps.find((s) => s.kind === 'wait-available')?.status === 'waiting', 'the restore to be under way');
    await h.engine.engine.abort(running.runId as string, OPERATOR, 'need the capacity back');
    const drill = await h.waitForDrill(fired.drill.id, (d) => d.status === 'aborted', 'the drill to be reported aborted');
    expect(await h.resources()).toEqual([{ name: drill.report?.teardown.resource, discarded: true }]);
    expect(drill.report).toMatchObject({ result: 'aborted', endedBy: OPERATOR, teardown: { status: 'done' } });
  });

  it('alerts the channel when the sandbox cannot be torn down', async () => {
    h = await createDrillHarness({
      providers: (pool) => {
        const p = countingProviders(pool, { window: WINDOW });
        const source = p.source;
        return {
          ...p,
          source: {
            describe: () => source.describe(),
            startRestore: (r) => source.startRestore(r),
            poll: (r) => source.poll(r),
            discard: async () => {
              throw new RewindError({ code: 'ACCESS_DENIED', userMessage: 'The provider refused to delete the sandbox (access denied).' });
            },
          },
        };
      },
    });
    h.startWorkers();
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    if (fired.type !== 'announced') throw new Error(fired.type);
    const drill = await h.waitForDrill(fired.drill.id, (d) => d.report !== null, 'the drill to be reported');
    expect(drill.teardown).toBe('failed');
    expect(drill.report?.teardown).toMatchObject({ status: 'failed', problem: expect.stringContaining('access denied') });
    const alert = await waitFor(() => h.slack.slack.thread(CHANNEL, fired.drill.announcementTs as string).find((m) => m.text.includes('could not be torn down')), 'the teardown alert');
    expect(alert.text).toContain(`/dr abort ${drill.runId}`);
  });

  it('postpones while an incident run holds the database, and says so', async () => {
    h = await createDrillHarness({ retryAfterIncidentMs: 3_600_000 });
    const incident = await h.engine.engine.start({ plan: { path: 'restore', database: 'orders-db', target: { kind: 'latest' }, steps: [{ kind: 'gate', name: 'Approve restore', gate: 'restore' }] }, requestedBy: OPERATOR });
    const fired = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    if (fired.type !== 'announced') throw new Error(fired.type);
    h.clock.set(SLOT);
    const out = await h.service.start(fired.drill.id, SLOT.getTime());
    expect(out).toMatchObject({ type: 'postponed', runId: incident.id, until: new Date(SLOT.getTime() + 3_600_000) });
    const drill = await h.store.get(fired.drill.id);
    expect(drill).toMatchObject({ status: 'announced', postponements: 1, startsAt: new Date(SLOT.getTime() + 3_600_000) });
    const notice = h.slack.slack.thread(CHANNEL, fired.drill.announcementTs as string)[1];
    expect(notice?.text).toContain(`run \`${incident.id}\` is active on orders-db`);
    // The old start job is stale now; only the new start time starts it.
    expect(await h.service.start(fired.drill.id, SLOT.getTime())).toMatchObject({ type: 'stale' });
    // An operator's drill is refused outright, naming the run, and leaves nothing behind.
    await expect(h.service.startManual('orders-db', OPERATOR, CHANNEL)).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE', userMessage: expect.stringContaining(incident.id) });
  });

  it('announces a slot once, however often its scheduler fires', async () => {
    h = await createDrillHarness();
    const first = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    const again = await h.service.fire('orders-db', new Date(SLOT.getTime() - 2000));
    expect(first.type).toBe('announced');
    expect(again.type).toBe('duplicate');
    expect(h.messages()).toHaveLength(1);
  });
});
