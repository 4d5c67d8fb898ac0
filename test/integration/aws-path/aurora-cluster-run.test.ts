import { auditTrail } from '../../../src/persistence/audit-log';
import { LATEST, T0 } from '../providers/aws/rds-fixtures';
import { rdsSecret, startAwsWorld, type AwsWorld } from './aws-world';

/** The whole PITR of an Aurora cluster: the writer instance is created only once the cluster is available. */
describe('AWS path: PITR of an Aurora cluster through secret, restart and health check', () => {
  let w: AwsWorld;
  beforeAll(async () => {
    w = await startAwsWorld();
    w.rds.addCluster('shop', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DatabaseName: 'shop',
      EarliestRestorableTime: T0,
      LatestRestorableTime: LATEST,
      DBSubnetGroup: 'private-db',
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-app', Status: 'active' }],
      DBClusterParameterGroup: 'shop-cluster-pg16',
      DeletionProtection: true,
      TagList: [{ Key: 'team', Value: 'shop' }],
    });
    w.rds.addInstance('shop-writer', { DBClusterIdentifier: 'shop', DBInstanceClass: 'db.r6g.xlarge', DBParameterGroups: [{ DBParameterGroupName: 'shop-pg16' }] });
    w.kube.addDeployment('shop', 'storefront', { replicas: 3 });
    w.sm.addSecret('prod/shop', rdsSecret('shop.cluster-fake.rds.local'), { lastChanged: new Date('2025-03-01T00:00:00Z') });
    w.register('shop', {
      provider: 'aurora-cluster',
      source: { clusterId: 'shop', instanceClass: 'db.r6g.large', region: 'eu-west-1' },
      cutover: [
        { type: 'secrets-manager', secretId: 'prod/shop', region: 'eu-west-1' },
        { type: 'kubernetes-restart', namespace: 'shop', deployments: ['storefront'] },
      ],
      healthChecks: [{ type: 'http', name: 'storefront', url: `${w.app.url}/health`, retries: 0 }],
    });
  });
  afterAll(async () => w.close());

  it('restores the cluster, adds the writer after the cluster is available, cuts over, restarts and checks health', async () => {
    const run = await w.start('shop');
    const done = await w.drive(run);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const name = `shop-dr-${run.id.slice(2)}`;

    const calls = w.rds.server.calls;
    const restore = calls.findIndex((c) => c.action === 'RestoreDBClusterToPointInTime');
    expect(calls[restore]?.params).toMatchObject({ SourceDBClusterIdentifier: 'shop', DBClusterIdentifier: name, RestoreToTime: '2025-03-08T10:02:00Z' });
    const creates = calls.filter((c) => c.action === 'CreateDBInstance');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ params: { DBInstanceIdentifier: `${name}-1`, DBClusterIdentifier: name, DBInstanceClass: 'db.r6g.large' } });
    // the fake refuses CreateDBInstance on a cluster that is not available; it was never refused
    expect(creates[0]?.error).toBeUndefined();

    expect(JSON.parse(w.sm.valueAt('prod/shop') ?? '{}')).toMatchObject({ host: `${name}.cluster-fake.rds.local`, port: 5432 });
    expect(w.kube.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(w.app.count('/health')).toBeGreaterThanOrEqual(1);

    const clusterTags = Object.fromEntries((w.rds.clusterFields('shop')?.TagList as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(clusterTags).toMatchObject({ 'rewind-retained-by': run.id, 'rewind-retained-role': 'replaced' });
    expect(calls.filter((c) => c.action.startsWith('Delete'))).toEqual([]);
  });

  it('rolls back to the previous secret and restarts again', async () => {
    const [run] = (await w.h.store.listRuns({ database: 'shop' })).filter((r) => r.status === 'succeeded');
    if (!run) throw new Error('no succeeded run');
    await w.h.engine.rollbackCutover(run.id, 'U0IC000001');
    const ended = await w.h.waitFor(run.id, ['aborted', 'failed'], 30_000);
    expect(ended.status).toBe('aborted');
    expect(w.sm.valueAt('prod/shop')).toBe(rdsSecret('shop.cluster-fake.rds.local'));
    expect(w.kube.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2);
    expect((await auditTrail(w.h.pool, run.id)).some((e) => e.action === 'run.cutover_rolled_back' && e.actor === 'U0IC000001')).toBe(true);
  });
});
