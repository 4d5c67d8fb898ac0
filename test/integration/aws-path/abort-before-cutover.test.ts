import { auditTrail } from '../../../src/persistence/audit-log';
import type { Run } from '../../../src/recovery/run';
import { waitFor as pollFor } from '../../support/wait';
import { addSourceInstance, LATEST, T0 } from '../providers/aws/rds-fixtures';
import { APPROVER, BEFORE_TARGET, rdsSecret, startAwsWorld, type AwsWorld } from './aws-world';

/**
 * A production restore copies the source's deletion protection onto the copy. Aborting the run
 * before its cutover must still delete that copy (turning the protection off on it, and only on
 * it), so the run ends aborted instead of failing with an orphaned, costly database.
 */
describe('AWS path: aborting a production run before its cutover deletes the protected copy', () => {
  let w: AwsWorld;
  beforeAll(async () => {
    w = await startAwsWorld();
    addSourceInstance(w.rds, 'orders'); // DeletionProtection: true, as production has
    w.rds.addCluster('shop', {
      Engine: 'aurora-postgresql',
      DatabaseName: 'shop',
      EarliestRestorableTime: T0,
      LatestRestorableTime: LATEST,
      DeletionProtection: true,
      TagList: [{ Key: 'team', Value: 'shop' }],
    });
    w.rds.addInstance('shop-writer', { DBClusterIdentifier: 'shop', DBInstanceClass: 'db.r6g.xlarge' });
  });
  afterAll(async () => w.close());

  const atCutoverGate = (r: Run): boolean => r.status === 'awaiting_approval' && r.steps[r.currentStep]?.params.gate === 'cutover';
  const copyOf = (run: Run) => `${run.database}-dr-${run.id.slice(2)}`;
  const callsOn = (id: string) =>
    w.rds.server.mutatingCalls().filter((c) => c.params.DBInstanceIdentifier === id || c.params.DBClusterIdentifier === id || c.params.SourceDBInstanceIdentifier === id);

  function registerInstance(name: string, secretId: string): void {
    w.sm.addSecret(secretId, rdsSecret('orders.fake-rds.local'), { lastChanged: BEFORE_TARGET });
    w.register(name, {
      provider: 'rds-instance',
      production: true,
      twoPersonRule: true,
      source: { instanceId: 'orders', region: 'eu-west-1' },
      cutover: [{ type: 'secrets-manager', secretId, region: 'eu-west-1' }],
    });
  }

  async function abortAtCutoverGate(database: string): Promise<{ run: Run; ended: Run; copy: string }> {
    const run = await w.start(database);
    const atGate = await w.drive(run, atCutoverGate);
    expect(atCutoverGate(atGate)).toBe(true);
    await w.h.engine.abort(run.id, APPROVER, 'wrong target time');
    const ended = await w.h.waitFor(run.id, ['aborted', 'failed'], 30_000);
    return { run, ended, copy: copyOf(run) };
  }

  /** A production run aborted while its copy is still being created (and stays so until the test says otherwise). */
  async function abortWhileCreating(database: string): Promise<{ run: Run; copy: string; refusedModifies: () => number }> {
    registerInstance(database, `prod/${database}`);
    const run = await w.start(database);
    const copy = copyOf(run);
    w.rds.scriptFor(copy, ['creating']);
    const atRestoreGate = await w.drive(run, (r) => r.status === 'awaiting_approval');
    await w.h.engine.approve({ runId: run.id, gate: String(atRestoreGate.steps[atRestoreGate.currentStep]?.params.gate), planHash: run.planHash, actor: APPROVER });
    await pollFor(async () => (await w.h.store.getRun(run.id))?.steps.find((st) => st.kind === 'wait-available')?.startedAt, 'the run to wait for the copy');
    await w.h.engine.abort(run.id, APPROVER, 'wrong target time');
    return { run, copy, refusedModifies: () => callsOn(copy).filter((c) => c.action === 'ModifyDBInstance' && c.error === 'InvalidDBInstanceState').length };
  }

  it('turns off the copied protection on the restored instance, deletes it, and ends aborted', async () => {
    registerInstance('orders', 'prod/orders');
    const { run, ended, copy } = await abortAtCutoverGate('orders');
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('aborted');

    const restore = w.rds.server.calls.find((c) => c.action === 'RestoreDBInstanceToPointInTime' && c.params.TargetDBInstanceIdentifier === copy);
    expect(restore?.params).toMatchObject({ DeletionProtection: 'true' });
    expect(callsOn(copy).map((c) => [c.action, c.error ?? 'ok'])).toEqual([
      ['ModifyDBInstance', 'ok'],
      ['DeleteDBInstance', 'ok'],
    ]);
    expect(callsOn(copy)[0]?.params).toMatchObject({ DeletionProtection: 'false', ApplyImmediately: 'true' });
    expect(w.rds.instances.get(copy)?.deleted ?? true).toBe(true);

    // the source and the secret were not changed
    expect(callsOn('orders').map((c) => c.action)).toEqual(['RestoreDBInstanceToPointInTime']);
    expect(w.rds.instanceFields('orders')?.DeletionProtection).toBe(true);
    expect(w.sm.valueAt('prod/orders')).toBe(rdsSecret('orders.fake-rds.local'));

    const trail = await auditTrail(w.h.pool, run.id);
    expect(trail.filter((e) => e.action === 'step.compensated').map((e) => e.stepIdx)).toEqual([ended.steps.findIndex((s) => s.kind === 'restore')]);
    expect(await w.h.store.activeRunFor('orders')).toBeUndefined();
  });

  it('tries the delete again when RDS has not applied the lifted protection yet, and still ends aborted', async () => {
    registerInstance('orders-slow', 'prod/orders-slow');
    const run = await w.start('orders-slow');
    expect(atCutoverGate(await w.drive(run, atCutoverGate))).toBe(true);
    w.rds.server.failNext('DeleteDBInstance', 'InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
    await w.h.engine.abort(run.id, APPROVER);
    const ended = await w.h.waitFor(run.id, ['aborted', 'failed'], 30_000);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('aborted');
    expect(callsOn(copyOf(run)).map((c) => [c.action, c.error ?? 'ok'])).toEqual([
      ['ModifyDBInstance', 'ok'],
      ['DeleteDBInstance', 'InvalidParameterCombination'],
      ['DeleteDBInstance', 'ok'],
    ]);
  });

  it('waits for a copy that is still being created, however many rounds that takes, then deletes it and ends aborted', async () => {
    const { run, copy, refusedModifies } = await abortWhileCreating('orders-creating');
    // more rounds than an abort gives a failing compensation (5): the copy is busy, not broken
    await pollFor(() => refusedModifies() >= 8, 'eight rounds against the copy while it is creating');
    expect((await w.h.store.getRun(run.id))?.status).toBe('rolling_back');
    w.rds.instances.get(copy)?.setScript(['available']);
    const ended = await w.h.waitFor(run.id, ['aborted', 'failed'], 30_000);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('aborted');
    expect(callsOn(copy).filter((c) => !c.error).map((c) => c.action)).toEqual(['ModifyDBInstance', 'DeleteDBInstance']);
  });

  it('keeps waiting through a transient error, and gives up (saying so) only when the abort has waited an hour', async () => {
    const { run, refusedModifies } = await abortWhileCreating('orders-stuck');
    await pollFor(() => refusedModifies() >= 6, 'six rounds against the creating copy');
    // one throttled call in the middle of the wait is a failure, not the end of the wait
    w.rds.server.failNext('DescribeDBInstances', 'Throttling', 'Rate exceeded');
    const seen = refusedModifies();
    await pollFor(() => refusedModifies() >= seen + 6, 'six more rounds after the throttling');
    const meantime = await w.h.store.getRun(run.id);
    expect(meantime?.status).toBe('rolling_back');
    expect(meantime?.meta.abortCompensation).toMatchObject({ failures: 1 });
    // an hour later the copy still cannot be deleted: the abort stops, and says why and what next
    await w.h.pool.query(`UPDATE runs SET meta = jsonb_set(meta, '{abortCompensation,at}', to_jsonb((now() - interval '61 minutes')::text)) WHERE id = $1`, [run.id]);
    const ended = await w.h.waitFor(run.id, ['aborted', 'failed'], 30_000);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatchObject({ code: 'COMPENSATION_FAILED', message: expect.stringContaining(`Rewind has stopped trying (it waited as long as an abort may): \`/dr abort ${run.id}\` tries again`) });
  });

  it('turns off the protection of a restored Aurora cluster, deletes its writer and the cluster, and ends aborted', async () => {
    w.sm.addSecret('prod/shop', rdsSecret('shop.cluster-fake.rds.local'), { lastChanged: BEFORE_TARGET });
    w.register('shop', {
      provider: 'aurora-cluster',
      production: true,
      source: { clusterId: 'shop', instanceClass: 'db.r6g.large', region: 'eu-west-1' },
      cutover: [{ type: 'secrets-manager', secretId: 'prod/shop', region: 'eu-west-1' }],
    });
    const { ended, copy } = await abortAtCutoverGate('shop');
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('aborted');
    expect(w.rds.server.mutatingCalls().filter((c) => /^(Modify|Delete)/.test(c.action) && String(c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier).startsWith(copy)).map((c) => [c.action, c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier])).toEqual([
      ['ModifyDBCluster', copy],
      ['DeleteDBInstance', `${copy}-1`],
      ['DeleteDBCluster', copy],
    ]);
    expect(w.rds.clusterFields('shop')?.DeletionProtection).toBe(true);
    expect(w.rds.server.mutatingCalls().filter((c) => /^(Modify|Delete)/.test(c.action) && ['shop', 'shop-writer'].includes(String(c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier)))).toEqual([]);
  });
});
