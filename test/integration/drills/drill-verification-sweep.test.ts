import type { DatabaseProviders } from '../../../src/providers/ports';
import { countingProviders } from '../../support/counting-providers';
import { createDrillHarness, waitFor, WINDOW, type DrillHarness } from './drill-harness';

// The nightly backup verification (a sandbox restore of the newest backup, torn down like a
// drill), and the sweep that catches a lost start job and an unsettled drill run.

describe('backup verification and the sweep', () => {
  let h: DrillHarness;
  afterEach(async () => h?.close());

  it('restores the newest backup into a sandbox, tears it down and reports', async () => {
    h = await createDrillHarness({ now: new Date().toISOString() });
    h.startWorkers();
    const [out] = await h.service.verifyBackups(new Date('2024-05-06T02:30:00Z'));
    expect(out).toMatchObject({ database: 'orders-db', type: 'started', backupId: 'backup-1' });
    if (out?.type !== 'started') return;
    const drill = await h.waitForDrill(out.drillId, (d) => d.status === 'succeeded', 'the verification to pass');
    expect(drill).toMatchObject({ kind: 'verification', trigger: 'nightly' });
    expect(drill.report).toMatchObject({ kind: 'verification', target: 'backup backup-1', teardown: { status: 'done', resource: expect.stringMatching(/^orders-db-verify-/) } });
    expect(await h.resources()).toEqual([{ name: drill.report?.teardown.resource, discarded: true }]);
    const posted = await waitFor(() => h.messages().find((m) => m.text.startsWith('Backup verification')), 'the verification report');
    expect(posted.text).toContain('orders-db succeeded');
    // The same night again is the same slot: nothing more happens.
    expect(await h.service.verifyBackups(new Date('2024-05-06T02:30:00Z'))).toEqual([{ database: 'orders-db', type: 'duplicate' }]);
    // Verifications are not drills: compliance still has no drill on record.
    expect((await h.service.compliance())[0]).toMatchObject({ database: 'orders-db', overdue: true });
  });

  it('reports a newest backup marked invalid without restoring anything', async () => {
    h = await createDrillHarness({
      providers: (pool): DatabaseProviders => {
        const p = countingProviders(pool, { window: WINDOW });
        return { ...p, source: { ...p.source, describe: async () => ({ engine: 'postgres', window: WINDOW, backups: [{ id: 'b-2', finishedAt: WINDOW.latest, valid: false, note: 'checksum mismatch in base/1/1259' }, { id: 'b-1', finishedAt: WINDOW.earliest, valid: true }] }), startRestore: p.source.startRestore.bind(p.source), poll: p.source.poll.bind(p.source), discard: p.source.discard.bind(p.source) } };
      },
    });
    const [out] = await h.service.verifyBackups(new Date('2024-05-06T02:30:00Z'));
    expect(out).toMatchObject({ type: 'failed', problem: expect.stringContaining('b-2 of orders-db is marked invalid: checksum mismatch') });
    if (out?.type !== 'failed') return;
    expect(await h.store.get(out.drillId)).toMatchObject({ status: 'failed', report: { runId: null, result: 'failed', target: 'backup b-2' } });
    expect(await h.resources()).toEqual([]);
    expect(h.messages()[0]?.text).toContain('Backup verification: orders-db failed');
  });

  it('re-enqueues a due drill whose start job was lost, and settles a drill run whose event was missed', async () => {
    h = await createDrillHarness({ observe: false });
    const fired = await h.service.fire('orders-db', new Date('2024-05-06T02:59:58Z'));
    if (fired.type !== 'announced') throw new Error(fired.type);
    await h.jobs.queue.obliterate({ force: true });
    h.clock.set('2024-05-06T03:01:00Z');
    expect(await h.service.sweep()).toEqual({ restarted: 1, settled: 0 });
    h.startWorkers();
    const running = await h.waitForDrill(fired.drill.id, (d) => d.status === 'running', 'the drill to start');
    await h.waitForRun(running.runId as string, ['succeeded']);
    expect((await h.store.get(fired.drill.id))?.status).toBe('running');
    expect(await h.service.sweep()).toEqual({ restarted: 0, settled: 1 });
    await h.waitForDrill(fired.drill.id, (d) => d.status === 'succeeded', 'the drill to be reported');
    expect((await h.audit('drill.reported')).length).toBe(1);
  });
});
