import { buildDrillPlan } from '../../../src/recovery/plans';
import type { Run } from '../../../src/recovery/run';
import { waitFor as pollFor } from '../../support/wait';
import { addSourceInstance } from '../providers/aws/rds-fixtures';
import { REQUESTER, startAwsWorld, type AwsWorld } from './aws-world';

/**
 * A drill's sandbox copies the source's deletion protection. When RDS is still busy with the copy
 * at teardown (a modification, a backup), the protection cannot be turned off yet: teardown must
 * wait for the copy, however many rounds that takes within its deadline, not give up after a few
 * quick retries and leave a costly sandbox behind.
 */
describe('AWS path: drill teardown waits for a sandbox RDS is still busy with', () => {
  let w: AwsWorld;
  beforeAll(async () => {
    w = await startAwsWorld();
    addSourceInstance(w.rds, 'orders'); // DeletionProtection: true, copied onto the sandbox
    w.register('orders', { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' } });
  });
  afterAll(async () => w.close());

  const sandboxOf = (run: Run) => `orders-drill-${run.id.slice(2)}`;
  const callsOn = (id: string) => w.rds.server.mutatingCalls().filter((c) => c.params.DBInstanceIdentifier === id);

  it('waits while the sandbox is modifying, says what it waits for, then deletes it and ends done', async () => {
    const plan = buildDrillPlan({ database: 'orders', cutovers: [], healthChecks: 0, validationChecks: 0 }, { kind: 'latest' });
    const run = await w.h.engine.start({ plan, requestedBy: REQUESTER });
    const sandbox = sandboxOf(run);
    // wait-available sees creating, then available; from teardown's first look on, RDS is modifying it
    w.rds.scriptFor(sandbox, ['creating', 'available', 'modifying']);

    const refusedModifies = () => callsOn(sandbox).filter((c) => c.action === 'ModifyDBInstance' && c.error === 'InvalidDBInstanceState').length;
    // more rounds than the step's attempts (5): the sandbox is busy, not broken
    await pollFor(() => refusedModifies() >= 8, 'eight rounds against the sandbox while it is modifying');
    const waiting = await w.h.store.getRun(run.id);
    expect(waiting?.status).toBe('running');
    const teardown = waiting?.steps.find((s) => s.kind === 'teardown');
    expect(teardown?.status).toBe('waiting');
    expect(teardown?.attempt).toBe(1);
    expect(teardown?.error ?? null).toBeNull();
    expect(teardown?.detail).toContain(`Waiting until the sandbox ${sandbox} can be deleted`);
    expect(teardown?.detail).toContain('busy');

    w.rds.instances.get(sandbox)?.setScript(['available']);
    const ended = await w.h.waitFor(run.id, ['succeeded', 'failed', 'aborted'], 30_000);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('succeeded');
    expect(ended.steps.find((s) => s.kind === 'teardown')).toMatchObject({ status: 'succeeded', output: { discarded: sandbox } });
    expect(callsOn(sandbox).filter((c) => !c.error).map((c) => c.action)).toEqual(['ModifyDBInstance', 'DeleteDBInstance']);
    expect(w.rds.instances.get(sandbox)?.deleted).toBe(true);
    expect(w.rds.instanceFields('orders')?.DeletionProtection).toBe(true);
  });

  it('does not wait forever: past an hour from the start of teardown the step fails with STEP_DEADLINE', async () => {
    const plan = buildDrillPlan({ database: 'orders', cutovers: [], healthChecks: 0, validationChecks: 0 }, { kind: 'latest' });
    const run = await w.h.engine.start({ plan, requestedBy: REQUESTER });
    const sandbox = sandboxOf(run);
    w.rds.scriptFor(sandbox, ['creating', 'available', 'modifying']);
    const refusedModifies = () => callsOn(sandbox).filter((c) => c.action === 'ModifyDBInstance' && c.error === 'InvalidDBInstanceState').length;
    await pollFor(() => refusedModifies() >= 2, 'teardown to wait for the sandbox');
    const idx = (await w.h.store.getRun(run.id))?.steps.find((s) => s.kind === 'teardown')?.idx;
    // as if teardown had been waiting for 61 minutes
    await w.h.pool.query(`UPDATE steps SET started_at = now() - interval '61 minutes' WHERE run_id = $1 AND idx = $2`, [run.id, idx]);
    const ended = await w.h.waitFor(run.id, ['succeeded', 'failed', 'aborted'], 30_000);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatchObject({ code: 'STEP_DEADLINE', step: idx });
    expect(w.rds.instances.get(sandbox)?.deleted).toBe(false);
  });
});
