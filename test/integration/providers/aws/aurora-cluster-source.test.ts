import { FakeRds } from '../../../fakes/aws-rds';
import { RewindError } from '../../../../src/recovery/errors';
import { AuroraClusterRecoverySource } from '../../../../src/providers/aws/aurora-cluster-source';
import type { PollResult, ResourceRef } from '../../../../src/providers/ports';
import { awsOptions, LATEST, NOW, runTags, T0 } from './rds-fixtures';

let fake: FakeRds;
let source: AuroraClusterRecoverySource;
const tagged = (run: string) => [
  { Key: 'managed-by', Value: 'rewind' },
  { Key: 'rewind-run', Value: run },
];

beforeEach(async () => {
  fake = await FakeRds.start();
  fake.addCluster('shop', {
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
  fake.addInstance('shop-writer', { DBClusterIdentifier: 'shop', DBInstanceClass: 'db.r6g.xlarge', DBParameterGroups: [{ DBParameterGroupName: 'shop-pg16' }], PubliclyAccessible: false });
  fake.clusterSnapshots.push({ DBClusterSnapshotIdentifier: 'rds:shop-2025-03-08', DBClusterIdentifier: 'shop', SnapshotCreateTime: new Date('2025-03-08T03:00:00Z'), Status: 'available' });
  source = new AuroraClusterRecoverySource({
    rds: awsOptions(fake.url),
    sourceClusterId: 'shop',
    restoreType: 'copy-on-write',
    overrides: { deletionProtection: false },
    pollIntervalMs: 10,
    now: () => NOW,
  });
});
afterEach(() => fake.close());

async function pollUntilDone(ref: ResourceRef): Promise<PollResult[]> {
  const seen: PollResult[] = [];
  for (let i = 0; i < 12; i++) {
    const r = await source.poll(ref);
    seen.push(r);
    if (r.state !== 'pending') break;
  }
  return seen;
}

describe('AuroraClusterRecoverySource', () => {
  it('describes the window from DescribeDBClusters and lists cluster snapshots', async () => {
    const d = await source.describe();
    expect(d).toMatchObject({ engine: 'aurora-postgresql', window: { earliest: T0, latest: LATEST } });
    expect(d.backups.map((b) => b.id)).toEqual(['rds:shop-2025-03-08']);
  });

  it('refuses a source cluster a cutover replaced, naming the cluster that run restored', async () => {
    const fields = fake.clusterFields('shop') ?? {};
    fields.TagList = [{ Key: 'rewind-retained-role', Value: 'replaced' }, { Key: 'rewind-retained-by', Value: 'r-9' }, { Key: 'rewind-retain-until', Value: '2025-03-11T12:00:00Z' }];
    fake.addInstance('shop-dr-9-1', { DBClusterIdentifier: 'shop-dr-9', TagList: tagged('r-9') });
    fake.addCluster('shop-dr-9', { Engine: 'aurora-postgresql', TagList: tagged('r-9') });
    await expect(source.describe()).rejects.toMatchObject({
      code: 'SOURCE_REPLACED',
      userMessage: expect.stringContaining('shop was replaced by shop-dr-9 in run r-9; restoring it would lose every write since that cutover. Update source.clusterId in rewind.yml to shop-dr-9'),
    });
  });

  it('restores the cluster, creates the writer only once the cluster is available, and polls to available', async () => {
    const at = new Date('2025-03-08T09:00:00Z');
    const ref = await source.startRestore({ target: { kind: 'time', at }, name: 'shop-dr-1', tags: runTags('1') });
    expect(fake.server.calls.find((c) => c.action === 'RestoreDBClusterToPointInTime')?.params).toMatchObject({
      DBClusterIdentifier: 'shop-dr-1',
      SourceDBClusterIdentifier: 'shop',
      RestoreType: 'copy-on-write',
      RestoreToTime: '2025-03-08T09:00:00Z',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-app'],
      DBClusterParameterGroupName: 'shop-cluster-pg16',
      DeletionProtection: 'false',
    });

    const polls = await pollUntilDone(ref);
    expect(polls.map((p) => (p.state === 'pending' ? p.detail : p.state))).toEqual([
      'cluster shop-dr-1: creating',
      'cluster shop-dr-1: creating',
      'cluster shop-dr-1 is available; creating writer instance shop-dr-1-1',
      'writer shop-dr-1-1: creating',
      'available',
    ]);
    expect(polls.at(-1)).toMatchObject({ state: 'available', endpoint: { host: 'shop-dr-1.cluster-fake.rds.local', port: 5432, database: 'shop' } });

    // CreateDBInstance came after a DescribeDBClusters that showed the cluster available, and only once.
    const actions = fake.server.calls.map((c) => c.action);
    const create = actions.indexOf('CreateDBInstance');
    expect(fake.server.calls.filter((c) => c.action === 'CreateDBInstance' && !c.error)).toHaveLength(1);
    expect(actions.slice(0, create).filter((a) => a === 'DescribeDBClusters').length).toBeGreaterThanOrEqual(3);
    expect(fake.server.calls[create]?.params).toMatchObject({
      DBInstanceIdentifier: 'shop-dr-1-1',
      DBClusterIdentifier: 'shop-dr-1',
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.xlarge',
      DBParameterGroupName: 'shop-pg16',
    });
    const tags = Object.fromEntries((fake.server.calls[create]?.params.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ 'managed-by': 'rewind', 'rewind-run': '1', team: 'shop' });
  });

  it('creates the writer idempotently when an earlier poll already created it', async () => {
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-2', tags: runTags('2') });
    fake.server.beforeNext('CreateDBInstance', () => fake.addInstance('shop-dr-2-1', { DBClusterIdentifier: 'shop-dr-2', TagList: tagged('2') }, { script: ['creating', 'available'] }));
    const last = (await pollUntilDone(ref)).at(-1);
    expect(last?.state).toBe('available');
    expect(fake.server.calls.find((c) => c.action === 'CreateDBInstance')?.error).toBe('DBInstanceAlreadyExists');
  });

  it('fails when the writer instance ends in incompatible-parameters', async () => {
    fake.scriptFor('shop-dr-3-1', ['creating', 'incompatible-parameters']);
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-3', tags: runTags('3') });
    const last = (await pollUntilDone(ref)).at(-1);
    expect(last?.state === 'failed' && last.reason).toMatch(/writer instance shop-dr-3-1.*incompatible-parameters/);
  });

  it('refuses a target outside the window without creating anything, and a foreign cluster with the same name', async () => {
    await expect(source.startRestore({ target: { kind: 'time', at: new Date('2024-12-01T00:00:00Z') }, name: 'shop-dr-4', tags: runTags('4') })).rejects.toMatchObject({
      code: 'TARGET_OUTSIDE_WINDOW',
    });
    fake.addCluster('shop-dr-5', { TagList: [{ Key: 'team', Value: 'shop' }] });
    await expect(source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-5', tags: runTags('5') })).rejects.toMatchObject({ code: 'RESTORE_TARGET_TAKEN' });
    expect(fake.server.mutatingCalls()).toEqual([]);
  });

  it('adopts its own cluster on retry', async () => {
    await source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-6', tags: runTags('6') });
    const again = await source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-6', tags: runTags('6') });
    expect(again).toMatchObject({ id: 'shop-dr-6', adopted: true });
    expect(fake.server.count('RestoreDBClusterToPointInTime')).toBe(1);
  });

  it('discards instances first, then the cluster, and refuses untagged clusters', async () => {
    await expect(source.discard({ provider: 'aws-aurora-cluster', id: 'shop', runId: '7', instanceId: 'shop-1' })).rejects.toMatchObject({ code: 'DISCARD_REFUSED' });
    expect(fake.server.mutatingCalls()).toEqual([]);

    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-7', tags: runTags('7') });
    await pollUntilDone(ref);
    await source.discard(ref);
    const deletes = fake.server.mutatingCalls().filter((c) => c.action.startsWith('Delete'));
    expect(deletes.map((c) => [c.action, c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier])).toEqual([
      ['DeleteDBInstance', 'shop-dr-7-1'],
      ['DeleteDBCluster', 'shop-dr-7'],
    ]);
    expect(deletes[1]?.params).toMatchObject({ SkipFinalSnapshot: 'true' });
    await source.discard(ref);
    await source.discard(ref);
  });

  it('refuses to discard a cluster of this run holding an instance it did not create', async () => {
    fake.addCluster('shop-dr-8', { TagList: tagged('8') });
    fake.addInstance('intruder', { DBClusterIdentifier: 'shop-dr-8', TagList: [] });
    await expect(source.discard({ provider: 'aws-aurora-cluster', id: 'shop-dr-8', runId: '8', instanceId: 'shop-dr-8-1' })).rejects.toMatchObject({
      code: 'DISCARD_REFUSED',
      userMessage: expect.stringContaining('intruder'),
    });
    expect(fake.server.mutatingCalls()).toEqual([]);
  });

  describe('with deletion protection copied from the source', () => {
    // the production set-up: no override, so the copy is protected like the source
    let prod: AuroraClusterRecoverySource;
    beforeEach(() => {
      prod = new AuroraClusterRecoverySource({ rds: awsOptions(fake.url), sourceClusterId: 'shop', pollIntervalMs: 10, now: () => NOW });
    });
    const deletes = () => fake.server.mutatingCalls().filter((c) => /^(Modify|Delete)/.test(c.action));
    const described = (c: { action: string; params: Record<string, unknown>; error?: string }) => [c.action, c.params.DBInstanceIdentifier ?? c.params.DBClusterIdentifier, c.error ?? 'ok'];

    it('turns the cluster’s protection off, then deletes the writer and the cluster; repeating is harmless', async () => {
      const ref = await prod.startRestore({ target: { kind: 'latest' }, name: 'shop-dr-9', tags: runTags('9') });
      for (let i = 0; i < 12 && (await prod.poll(ref)).state === 'pending'; i++);
      expect(fake.clusterFields('shop-dr-9')?.DeletionProtection).toBe(true);
      await prod.discard(ref);
      expect(deletes().map(described)).toEqual([
        ['ModifyDBCluster', 'shop-dr-9', 'ok'],
        ['DeleteDBInstance', 'shop-dr-9-1', 'ok'],
        ['DeleteDBCluster', 'shop-dr-9', 'ok'],
      ]);
      expect(deletes()[0]?.params).toEqual(expect.objectContaining({ DeletionProtection: 'false', ApplyImmediately: 'true' }));
      await prod.discard(ref);
      await prod.discard(ref);
      expect(deletes()).toHaveLength(3);
      // the source cluster and its writer were only read
      expect(fake.server.mutatingCalls().filter((c) => ['shop', 'shop-writer'].includes(String(c.params.DBClusterIdentifier ?? c.params.DBInstanceIdentifier)))).toEqual([]);
      expect(fake.clusterFields('shop')?.DeletionProtection).toBe(true);
    });

    it('leaves a protected cluster alone when it, or one of its instances, is not this run’s or untagged, and never discards the source', async () => {
      fake.addCluster('shop-dr-10', { DeletionProtection: true, TagList: tagged('other') });
      await expect(prod.discard({ provider: 'aws-aurora-cluster', id: 'shop-dr-10', runId: '10', instanceId: 'shop-dr-10-1' })).rejects.toMatchObject({
        code: 'DISCARD_REFUSED',
        userMessage: expect.stringContaining('tagged for Rewind run other, not this run (10)'),
      });
      fake.addCluster('shop-copy', { DeletionProtection: true, TagList: [{ Key: 'team', Value: 'shop' }] });
      await expect(prod.discard({ provider: 'aws-aurora-cluster', id: 'shop-copy', runId: '10', instanceId: 'shop-copy-1' })).rejects.toMatchObject({
        code: 'DISCARD_REFUSED',
        userMessage: expect.stringContaining('lacks the managed-by=rewind tag'),
      });
      fake.addCluster('shop-dr-11', { DeletionProtection: true, TagList: tagged('11') });
      fake.addInstance('intruder-11', { DBClusterIdentifier: 'shop-dr-11', TagList: [] });
      await expect(prod.discard({ provider: 'aws-aurora-cluster', id: 'shop-dr-11', runId: '11', instanceId: 'shop-dr-11-1' })).rejects.toMatchObject({
        code: 'DISCARD_REFUSED',
        userMessage: expect.stringContaining('intruder-11'),
      });
      (fake.clusterFields('shop') ?? {}).TagList = tagged('12');
      await expect(prod.discard({ provider: 'aws-aurora-cluster', id: 'shop', runId: '12', instanceId: 'shop-1' })).rejects.toMatchObject({
        code: 'DISCARD_REFUSED',
        userMessage: expect.stringContaining('it is the source this database restores from'),
      });
      expect(fake.server.mutatingCalls()).toEqual([]);
      for (const id of ['shop-dr-10', 'shop-copy', 'shop-dr-11', 'shop']) expect(fake.clusterFields(id)?.DeletionProtection).toBe(true);
    });

    it('does not wait on a protected cluster stuck in a terminal state: says which state and how to turn the protection off by hand', async () => {
      fake.addCluster('shop-dr-14', { DeletionProtection: true, TagList: tagged('r-14') }, { script: ['inaccessible-encryption-credentials'] });
      fake.addInstance('shop-dr-14-1', { DBClusterIdentifier: 'shop-dr-14', TagList: tagged('r-14') }, { script: ['inaccessible-encryption-credentials'] });
      const ref = { provider: 'aws-aurora-cluster', id: 'shop-dr-14', runId: 'r-14', instanceId: 'shop-dr-14-1' };
      const stuck = await prod.discard(ref).then(() => undefined, (e: unknown) => e);
      expect(stuck).toBeInstanceOf(RewindError);
      expect(stuck).toMatchObject({ code: 'DISCARD_STUCK', retryable: false, detail: { name: 'shop-dr-14', status: 'inaccessible-encryption-credentials' } });
      const message = (stuck as RewindError).userMessage;
      expect(message).toContain('Aurora cluster shop-dr-14, which this run created, is inaccessible-encryption-credentials');
      expect(message).toContain('aws rds modify-db-cluster --db-cluster-identifier shop-dr-14 --no-deletion-protection --apply-immediately --region eu-west-1');
      expect(message).toContain('/dr abort r-14');
      expect(deletes()).toEqual([]);

      // once a person has turned the protection off, the next discard deletes the writer and the cluster
      (fake.clusterFields('shop-dr-14') ?? {}).DeletionProtection = false;
      await prod.discard(ref);
      expect(deletes().map(described)).toEqual([
        ['DeleteDBInstance', 'shop-dr-14-1', 'ok'],
        ['DeleteDBCluster', 'shop-dr-14', 'ok'],
      ]);
    });

    it('deletes an unprotected cluster in a terminal state, without a final snapshot', async () => {
      fake.addCluster('shop-dr-15', { DeletionProtection: false, TagList: tagged('r-15') }, { script: ['failed'] });
      fake.addInstance('shop-dr-15-1', { DBClusterIdentifier: 'shop-dr-15', TagList: tagged('r-15') }, { script: ['failed'] });
      await prod.discard({ provider: 'aws-aurora-cluster', id: 'shop-dr-15', runId: 'r-15', instanceId: 'shop-dr-15-1' });
      expect(deletes().map(described)).toEqual([
        ['DeleteDBInstance', 'shop-dr-15-1', 'ok'],
        ['DeleteDBCluster', 'shop-dr-15', 'ok'],
      ]);
      expect(deletes()[1]?.params).toMatchObject({ SkipFinalSnapshot: 'true' });
    });

    it('resumes with a retryable error when RDS has not applied the lifted protection yet', async () => {
      fake.addCluster('shop-dr-13', { DeletionProtection: true, TagList: tagged('13') });
      fake.addInstance('shop-dr-13-1', { DBClusterIdentifier: 'shop-dr-13', TagList: tagged('13') });
      const ref = { provider: 'aws-aurora-cluster', id: 'shop-dr-13', runId: '13', instanceId: 'shop-dr-13-1' };
      fake.server.failNext('DeleteDBCluster', 'InvalidParameterCombination', 'Cannot delete protected Cluster, please disable deletion protection and try again.');
      const err = await prod.discard(ref).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(RewindError);
      expect(err).toMatchObject({ code: 'DISCARD_PENDING', retryable: true, userMessage: expect.stringContaining('Aurora cluster shop-dr-13, which this run created, still has deletion protection on') });
      await prod.discard(ref);
      expect(deletes().map(described)).toEqual([
        ['ModifyDBCluster', 'shop-dr-13', 'ok'],
        ['DeleteDBInstance', 'shop-dr-13-1', 'ok'],
        ['DeleteDBCluster', 'shop-dr-13', 'InvalidParameterCombination'],
        ['DeleteDBCluster', 'shop-dr-13', 'ok'],
      ]);
    });
  });
});
