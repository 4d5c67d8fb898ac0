import type { FakeRds } from '../../../fakes/aws-rds';
import type { AwsClientOptions } from '../../../../src/providers/aws/aws-client';

export const T0 = new Date('2025-03-01T00:00:00Z');
export const LATEST = new Date('2025-03-08T11:55:00Z');
export const NOW = new Date('2025-03-08T12:00:00Z');

/** Real SDK clients pointed at a fake; one SDK attempt so tests see every error. */
export function awsOptions(url: string): AwsClientOptions {
  return { region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 };
}

export function addSourceInstance(fake: FakeRds, id = 'orders'): void {
  fake.addInstance(
    id,
    {
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBName: 'orders',
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      StorageType: 'gp3',
      DeletionProtection: true,
      PubliclyAccessible: false,
      BackupRetentionPeriod: 7,
      LatestRestorableTime: LATEST,
      DBSubnetGroup: { DBSubnetGroupName: 'private-db' },
      VpcSecurityGroups: [
        { VpcSecurityGroupId: 'sg-app', Status: 'active' },
        { VpcSecurityGroupId: 'sg-admin', Status: 'active' },
      ],
      DBParameterGroups: [{ DBParameterGroupName: 'orders-pg16', ParameterApplyStatus: 'in-sync' }],
      TagList: [
        { Key: 'team', Value: 'shop' },
        { Key: 'aws:cloudformation:stack-name', Value: 'prod' },
      ],
      Endpoint: { Address: `${id}.fake-rds.local`, Port: 5432 },
    },
    { earliestRestorableTime: T0 },
  );
  fake.snapshots.push(
    { DBSnapshotIdentifier: 'rds:orders-2025-03-07', DBInstanceIdentifier: id, SnapshotCreateTime: new Date('2025-03-07T03:00:00Z'), Status: 'available', AllocatedStorage: 100 },
    { DBSnapshotIdentifier: 'rds:orders-2025-03-08', DBInstanceIdentifier: id, SnapshotCreateTime: new Date('2025-03-08T03:00:00Z'), Status: 'available', AllocatedStorage: 100 },
    { DBSnapshotIdentifier: 'manual-broken', DBInstanceIdentifier: id, SnapshotCreateTime: new Date('2025-03-05T03:00:00Z'), Status: 'failed', AllocatedStorage: 100 },
  );
}

export const runTags = (run: string): Record<string, string> => ({ 'rewind-run': run, 'rewind-db': 'orders' });
