import { readdir } from 'node:fs/promises';
import { pgSmokeTest } from '../../../jobs/drill-smoke';
import { localManifestCheck } from '../../../src/drills/local-manifest-check';
import { SqlValidator } from '../../../src/providers/local/sql-validator';
import type { DatabaseProviders } from '../../../src/providers/ports';
import { commitRow, createFixture, type LocalFixture } from '../providers/local/local-fixture';
import { createDrillHarness, waitFor, type DrillHarness } from './drill-harness';

// A scheduled drill on the local provider, end to end on real PostgreSQL: a point-in-time restore
// from a base backup and the WAL archive into a sandbox cluster, the runbook's check and the real
// smoke test against it, the sandbox removed, and RTO and RPO read back from the run's timestamps.

describe('a drill on the local provider', () => {
  let fx: LocalFixture;
  let h: DrillHarness;

  beforeAll(async () => {
    fx = await createFixture('drill');
    await commitRow(fx.source, 'before-backup');
    await fx.provider.takeBackup();
    for (const label of ['after-1', 'after-2', 'after-3']) await commitRow(fx.source, label);
    await fx.source.switchWalAndWaitArchived();
  });
  afterAll(async () => {
    await h?.close();
    await fx?.cleanup();
  });

  it('restores, validates, smoke-tests, tears down and reports RTO and RPO from the run', async () => {
    const providers: DatabaseProviders = {
      source: fx.provider,
      cutovers: [],
      validator: new SqlValidator({ checks: [{ name: 'items restored', sql: 'SELECT count(*) FROM items', expect: { op: '=', value: 4 } }] }),
      healthChecks: [],
    };
    h = await createDrillHarness({ providers: () => providers, smoke: pgSmokeTest, policies: { 'wait-available': { pollMs: 200 } } });
    h.startWorkers();
    const fired = await h.service.fire('orders-db', new Date('2024-05-06T02:59:58Z'));
    if (fired.type !== 'announced') throw new Error(fired.type);
    const drill = await h.waitForDrill(fired.drill.id, (d) => d.report !== null, 'the local drill to be reported', 30_000);
    const report = drill.report;
    const run = await h.engine.store.getRun(drill.runId as string);
    if (!report || !run) throw new Error('no report or run');
    expect(report.result).toBe('succeeded');

    const smoke = run.steps.find((s) => s.kind === 'drill-smoke');
    const window = run.steps.find((s) => s.kind === 'check-window')?.output as { latest: string };
    expect(report.validatedAt).toBe(smoke?.finishedAt?.toISOString());
    expect(report.rto.ms).toBe((smoke?.finishedAt as Date).getTime() - run.createdAt.getTime());
    expect(report.latestRestorable).toBe(new Date(window.latest).toISOString());
    expect(report.rpo.ms).toBe(run.createdAt.getTime() - new Date(window.latest).getTime());
    expect(report.rto.ms).toBeGreaterThan(0);
    expect(report.rpo.ms).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.name === 'items restored')).toMatchObject({ passed: true, value: '4' });
    expect(report.smoke).toMatchObject({ passed: true, value: expect.stringContaining('write ok') });
    expect(report.steps.every((s) => s.status === 'succeeded' && typeof s.durationMs === 'number')).toBe(true);
    expect(report.teardown).toMatchObject({ status: 'done', resource: expect.stringMatching(/^orders-db-drill-/) });
    expect(await readdir(fx.restoreRoot)).toEqual([]);
    await waitFor(() => h.messages().find((m) => m.text.startsWith('Drill scorecard: orders-db succeeded')), 'the scorecard');
  }, 45_000);

  it('checks the newest backup\'s files with pg_verifybackup', async () => {
    const check = localManifestCheck(() => ({ source: fx.provider, cutovers: [], healthChecks: [] }));
    const [newest] = (await fx.provider.describe()).backups;
    expect(await check('orders-db', newest?.id as string)).toEqual({ ok: true });
    expect(await check('orders-db', 'no-such-backup')).toMatchObject({ ok: false, problem: expect.stringContaining('not in') });
  });
});
