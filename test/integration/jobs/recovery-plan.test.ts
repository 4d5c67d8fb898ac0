import { buildRecoveryPlan } from '../../../src/recovery/plans';
import { stepProcessors } from '../../../jobs';
import { countingProviders, createProviderTables } from '../../support/counting-providers';
import { createHarness, type Harness } from '../../support/engine-harness';

const window = { earliest: new Date('2024-05-01T00:00:00Z'), latest: new Date('2024-05-02T00:00:00Z') };
const subject = { database: 'prod-db-01', cutovers: ['app secret'], healthChecks: 1, validationChecks: 1 };

describe('the PITR plan through the real step processors', () => {
  let h: Harness;
  let healthy = true;
  beforeAll(async () => {
    h = await createHarness({
      extra: [...stepProcessors(() => countingProviders(h.pool, { window, pollsUntilAvailable: 2, healthy: () => healthy })).values()].filter((p) => p.kind !== 'gate'),
    });
    await createProviderTables(h.pool);
    h.startWorker();
  });
  afterAll(async () => h.close());

  it('restores, validates, waits for both approvals, cuts over and verifies', async () => {
    const plan = buildRecoveryPlan(subject, { kind: 'time', at: new Date('2024-05-01T10:02:00Z') });
    expect(plan.steps.map((s) => s.kind)).toEqual(['check-window', 'gate', 'restore', 'wait-available', 'validate', 'gate', 'cutover', 'verify-health']);
    const run = await h.engine.start({ plan, requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['awaiting_approval']);
    expect((await h.pool.query('SELECT count(*)::int AS n FROM test_restore_calls')).rows[0].n).toBe(0);
    await h.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: 'U0IC000001' });
    const atCutover = await h.waitFor(run.id, ['awaiting_approval', 'failed']);
    expect(atCutover.steps[5]).toMatchObject({ status: 'waiting', params: { gate: 'cutover' } });
    expect(atCutover.steps[4]?.output).toMatchObject({ checks: [{ name: 'orders rows', passed: true }] });
    await h.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: 'U0IC000001' });
    const done = await h.waitFor(run.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const name = (done.steps[2]?.output?.ref as { id: string }).id;
    expect(name).toBe(`prod-db-01-dr-${run.id.slice(2)}`);
    expect((await h.pool.query('SELECT host FROM test_cutovers')).rows).toEqual([{ host: `${name}.local` }]);
    // no step output keeps the restored instance's password
    expect(JSON.stringify(done.steps.map((s) => [s.output, s.state]))).not.toContain('s3cret-pw');
  });

  it('refuses to apply a cutover that rewind.yml changed after the run was planned', async () => {
    const plan = buildRecoveryPlan({ ...subject, database: 'prod-db-05', cutovers: ['old secret'] }, { kind: 'latest' });
    const run = await h.engine.start({ plan, requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await h.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: 'U0IC000001' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await h.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: 'U0IC000001' });
    const failed = await h.waitFor(run.id, ['failed', 'succeeded']);
    expect(failed.error).toMatchObject({ code: 'CUTOVER_CHANGED', message: expect.stringContaining('approved for "old secret"') });
    expect((await h.pool.query('SELECT count(*)::int AS n FROM test_cutovers WHERE key LIKE $1', [`${run.id}:%`])).rows[0].n).toBe(0);
  });

  it('refuses a target outside the window before creating anything', async () => {
    const plan = buildRecoveryPlan({ ...subject, database: 'prod-db-02' }, { kind: 'time', at: new Date('2024-06-01T00:00:00Z') });
    const run = await h.engine.start({ plan, requestedBy: 'U0REQUEST1' });
    const failed = await h.waitFor(run.id, ['failed']);
    expect(failed.error).toMatchObject({ code: 'TARGET_AFTER_WINDOW', message: expect.stringContaining('2024-05-01T00:00:00Z to 2024-05-02T00:00:00Z') });
  });

  it('discards the restored instance when a run is aborted before its cutover', async () => {
    const plan = buildRecoveryPlan({ ...subject, database: 'prod-db-04' }, { kind: 'latest' });
    const run = await h.engine.start({ plan, requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await h.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: 'U0IC000001' });
    const atCutover = await h.waitFor(run.id, ['awaiting_approval']);
    expect(atCutover.currentStep).toBe(5);
    await h.engine.abort(run.id, 'U0IC000001', 'wrong target');
    const aborted = await h.waitFor(run.id, ['aborted', 'failed']);
    expect(aborted.status).toBe('aborted');
    const name = (aborted.steps[2]?.state.ref as { id: string }).id;
    expect((await h.pool.query('SELECT discarded FROM test_resources WHERE name = $1', [name])).rows).toEqual([{ discarded: true }]);
    expect((await h.pool.query('SELECT count(*)::int AS n FROM test_cutovers WHERE key LIKE $1', [`${run.id}:%`])).rows[0].n).toBe(0);
  });

  it('rolls back the cutover but keeps the restored instance (it may hold production writes) when a run is aborted after cutover', async () => {
    healthy = false;
    const plan = buildRecoveryPlan({ ...subject, database: 'prod-db-03' }, { kind: 'latest' });
    const run = await h.engine.start({ plan, requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await h.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: 'U0IC000001' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await h.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: 'U0IC000001' });
    // health keeps failing, so the run sits in verify-health retries: abort it there
    const deadline = Date.now() + 10_000;
    while ((await h.store.getRun(run.id))?.currentStep !== 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await h.engine.abort(run.id, 'U0IC000001', 'app unhealthy');
    const aborted = await h.waitFor(run.id, ['aborted', 'failed']);
    expect(aborted.status).toBe('aborted');
    const name = (aborted.steps[2]?.state.ref as { id: string }).id;
    expect((await h.pool.query('SELECT discarded FROM test_resources WHERE name = $1', [name])).rows).toEqual([{ discarded: false }]);
    expect((await h.pool.query('SELECT rolled_back FROM test_cutovers WHERE key LIKE $1', [`${run.id}:%`])).rows).toEqual([{ rolled_back: true }]);
    healthy = true;
  });
});
