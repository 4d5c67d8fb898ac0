import { auditTrail } from '../../../src/persistence/audit-log';
import { effectCounts } from '../../support/counting-processors';
import { createHarness, effectPlan, type Harness } from '../../support/engine-harness';

describe('run engine on PostgreSQL and BullMQ', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.startWorker({ concurrency: 4 });
  });
  afterAll(async () => h.close());

  it('takes a run of test steps from planned to succeeded, each side effect exactly once', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-happy', [{}, { waitPolls: 3 }, {}, {}]), requestedBy: 'U0REQUEST1' });
    expect(run.status).toBe('planned');
    const done = await h.waitFor(run.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const counts = await effectCounts(h.pool, run.id);
    expect(counts.effects).toEqual([1, 1, 1, 1]);
    // the waiting step was executed once per poll (3 "not yet" + done), the others once
    expect(counts.invocations).toEqual([1, 4, 1, 1]);
    expect(await h.store.activeRunFor('db-happy')).toBeUndefined();
  });

  it('writes an audit row with actor and time for every transition', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-audit', [{}, {}]), requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['succeeded']);
    const trail = await auditTrail(h.pool, run.id);
    const transitions = trail.filter((e) => e.to !== null).map((e) => `${e.stepIdx ?? 'run'}:${e.from ?? '-'}>${e.to}`);
    expect(transitions).toEqual([
      'run:->planned',
      'run:planned>running',
      '0:pending>running',
      '0:running>succeeded',
      '1:pending>running',
      '1:running>succeeded',
      'run:running>succeeded',
    ]);
    for (const e of trail) {
      expect(e.actor).toMatch(/\S/);
      expect(e.at).toBeInstanceOf(Date);
    }
    expect(trail[0]?.actor).toBe('U0REQUEST1');
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-append-only', [{}]), requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['succeeded']);
    await expect(h.pool.query(`UPDATE audit_events SET actor = 'mallory' WHERE run_id = $1`, [run.id])).rejects.toThrow(/append-only/);
    await expect(h.pool.query('DELETE FROM audit_events WHERE run_id = $1', [run.id])).rejects.toThrow(/append-only/);
    await expect(h.pool.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect((await auditTrail(h.pool, run.id)).every((e) => e.actor !== 'mallory')).toBe(true);
  });

  it('runs a step once when the same job is enqueued twice, and refuses a stale ticket', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-dup', [{ sleepMs: 300 }, {}]), requestedBy: 'U0REQUEST1' });
    const first = run.steps[0]!;
    const ticket = { runId: run.id, idx: 0, attempt: first.attempt, wake: first.wake };
    await h.scheduler.scheduleStep({ ticket, delayMs: 0 });
    await h.scheduler.scheduleStep({ ticket, delayMs: 0 });
    await h.waitFor(run.id, ['succeeded']);
    // a late duplicate after the step finished (its job already removed) is refused by the store
    expect(await h.executor.execute(ticket)).toEqual({ executed: false, reason: 'run is succeeded' });
    const counts = await effectCounts(h.pool, run.id);
    expect(counts.invocations).toEqual([1, 1]);
    expect(counts.effects).toEqual([1, 1]);
  });

  it('refuses a second run for a database with an active run, naming it', async () => {
    const first = await h.engine.start({ plan: effectPlan('db-busy', [{}], { 0: 'restore' }), requestedBy: 'U0REQUEST1' });
    await h.waitFor(first.id, ['awaiting_approval']);
    await expect(h.engine.start({ plan: effectPlan('db-busy', [{}]), requestedBy: 'U0OTHER001' })).rejects.toMatchObject({
      code: 'RUN_ALREADY_ACTIVE',
      userMessage: expect.stringContaining(first.id),
    });
    await h.engine.abort(first.id, 'U0REQUEST1');
  });

  it('lets exactly one of two concurrent starts for one database win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => h.engine.start({ plan: effectPlan('db-race', [{}], { 0: 'restore' }), requestedBy: `U0RACE000${i}` })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(4);
    const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const l of lost) expect(l.reason).toMatchObject({ code: 'RUN_ALREADY_ACTIVE', userMessage: expect.stringContaining(winner) });
    await h.engine.abort(winner, 'U0REQUEST1');
  });

  it('fails the run with the message of a non-retryable step error', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-fatal', [{}, { failTimes: 1, retryable: false }, {}]), requestedBy: 'U0REQUEST1' });
    const failed = await h.waitFor(run.id, ['failed', 'succeeded']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'TEST_FAILURE', message: 'test step 1 failed on purpose', retryable: false });
    expect(failed.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'pending']);
    expect((await effectCounts(h.pool, run.id)).invocations).toEqual([1, 1]);
    expect(await h.store.activeRunFor('db-fatal')).toBeUndefined();

    // while another run holds the database, undoing the failed one is refused, naming the holder
    const other = await h.engine.start({ plan: effectPlan('db-fatal', [{}], { 0: 'restore' }), requestedBy: 'U0OTHER001' });
    await h.waitFor(other.id, ['awaiting_approval']);
    await expect(h.engine.abort(run.id, 'U0INCIDENT', 'discard the copy')).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE', userMessage: expect.stringContaining(other.id) });
    expect((await h.store.getRun(run.id))?.status).toBe('failed');
    await h.engine.abort(other.id, 'U0OTHER001');
    await h.waitFor(other.id, ['aborted']);

    // aborting the failed run undoes what its steps did, newest first
    await h.engine.abort(run.id, 'U0INCIDENT', 'discard the copy');
    const aborted = await h.waitFor(run.id, ['aborted']);
    expect(aborted.endedBy).toBe('U0INCIDENT');
    const comp = await h.pool.query('SELECT step_idx FROM test_compensations WHERE run_id = $1 ORDER BY id', [run.id]);
    expect(comp.rows).toEqual([{ step_idx: 1 }, { step_idx: 0 }]);
  });

  it('retries a retryable error with growing backoff and fails after the limit; resume continues from the failed step', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-retry', [{}, { failTimes: 3, retryable: true }, {}]), requestedBy: 'U0REQUEST1' });
    const failed = await h.waitFor(run.id, ['failed', 'succeeded']);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/gave up after 3 attempts/);
    const trail = await auditTrail(h.pool, run.id);
    const delays = trail.filter((e) => e.action === 'step.retry_scheduled').map((e) => e.detail.delayMs as number);
    expect(delays).toEqual([100, 200]);
    const inv = await h.pool.query<{ at: Date }>('SELECT at FROM test_invocations WHERE run_id = $1 AND step_idx = 1 ORDER BY id', [run.id]);
    const gaps = inv.rows.slice(1).map((r, i) => r.at.getTime() - inv.rows[i]!.at.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);

    const resumed = await h.engine.resume(run.id, 'U0OPERATOR');
    expect(resumed.status).toBe('running');
    const done = await h.waitFor(run.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const counts = await effectCounts(h.pool, run.id);
    expect(counts.effects).toEqual([1, 1, 1]);
    expect(counts.invocations).toEqual([1, 4, 1]); // step 0 not repeated by resume
    expect((await auditTrail(h.pool, run.id)).some((e) => e.action === 'run.running' && e.actor === 'U0OPERATOR')).toBe(true);
  });

  it('aborts a waiting run, records who aborted it and compensates what was done', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-abort', [{}, {}], { 1: 'cutover' }), requestedBy: 'U0REQUEST1' });
    const waiting = await h.waitFor(run.id, ['awaiting_approval']);
    expect(waiting.steps.map((s) => s.status)).toEqual(['succeeded', 'waiting', 'pending']);
    await h.engine.abort(run.id, 'U0INCIDENT', 'wrong target');
    const aborted = await h.waitFor(run.id, ['aborted', 'failed']);
    expect(aborted.status).toBe('aborted');
    expect(aborted.endedBy).toBe('U0INCIDENT');
    expect(aborted.steps.map((s) => s.status)).toEqual(['succeeded', 'skipped', 'skipped']);
    const comp = await h.pool.query('SELECT step_idx FROM test_compensations WHERE run_id = $1', [run.id]);
    expect(comp.rows).toEqual([{ step_idx: 0 }]);
    const trail = await auditTrail(h.pool, run.id);
    expect(trail.find((e) => e.to === 'rolling_back')).toMatchObject({ actor: 'U0INCIDENT', detail: { reason: 'wrong target' } });
    expect(trail.at(-1)).toMatchObject({ action: 'run.aborted', to: 'aborted' });
    await expect(h.engine.abort(run.id, 'U0INCIDENT')).rejects.toMatchObject({ code: 'RUN_NOT_ACTIVE' });
    await expect(h.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: 'U0INCIDENT' })).rejects.toMatchObject({ code: 'STALE_GATE' });
  });

  it('approves a gate only for the current plan hash', async () => {
    const run = await h.engine.start({ plan: effectPlan('db-gate', [{}], { 0: 'restore' }), requestedBy: 'U0REQUEST1' });
    await h.waitFor(run.id, ['awaiting_approval']);
    await expect(h.engine.approve({ runId: run.id, gate: 'restore', planHash: 'forged', actor: 'U0APPROVER' })).rejects.toMatchObject({ code: 'STALE_PLAN' });
    await expect(h.engine.approve({ runId: run.id, gate: 'cutover', planHash: run.planHash, actor: 'U0APPROVER' })).rejects.toMatchObject({ code: 'STALE_GATE' });
    await h.engine.approve({ runId: run.id, gate: 'restore', planHash: run.planHash, actor: 'U0APPROVER' });
    const done = await h.waitFor(run.id, ['succeeded']);
    expect(done.approvals).toEqual([expect.objectContaining({ gate: 'restore', decidedBy: 'U0APPROVER', decision: 'approved' })]);
  });
});
