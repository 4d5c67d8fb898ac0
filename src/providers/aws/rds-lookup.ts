import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isAwsError, toRewindError } from './aws-errors';
import type { ResourceRef } from '../ports';
import { RewindError } from '../../recovery/errors';

/** Describe one instance; a missing instance is `undefined`, every other error a RewindError. */
export async function findInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  } catch (err) {
    if (isAwsError(err, 'DBInstanceNotFound')) return undefined;
    throw toRewindError(err, `look up RDS instance ${id}`);
  }
}

export async function findCluster(rds: RDSClient, id: string): Promise<DBCluster | undefined> {
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    return out.DBClusters?.[0];
  } catch (err) {
    if (isAwsError(err, 'DBClusterNotFound')) return undefined;
    throw toRewindError(err, `look up Aurora cluster ${id}`);
  }
}

export async function requireInstance(rds: RDSClient, id: string): Promise<DBInstance> {
  const found = await findInstance(rds, id);
  if (found) return found;
  throw new RewindError({
    code: 'SOURCE_NOT_FOUND',
    userMessage: `The source RDS instance ${id} was not found. Check the identifier and the region in rewind.yml.`,
  });
}

export async function requireCluster(rds: RDSClient, id: string): Promise<DBCluster> {
  const found = await findCluster(rds, id);
  if (found) return found;
  throw new RewindError({
    code: 'SOURCE_NOT_FOUND',
    userMessage: `The source Aurora cluster ${id} was not found. Check the identifier and the region in rewind.yml.`,
  });
}

/** A string field of a ResourceRef written by this provider; anything else is a corrupt ref. */
export function refField(ref: ResourceRef, key: string): string {
  const v = ref[key];
  if (typeof v === 'string' && v !== '') return v;
  throw new RewindError({
    code: 'BAD_RESOURCE_REF',
    userMessage: `Internal error: the stored reference to ${ref.id} has no '${key}'. It was not written by this provider version.`,
  });
}

/** A just-created resource may be invisible to Describe for a short while (eventual consistency). */
export const INVISIBLE_GRACE_MS = 2 * 60 * 1000;

export function startedMsAgo(ref: ResourceRef, now: Date): number {
  const started = typeof ref.startedAt === 'string' ? Date.parse(ref.startedAt) : NaN;
  return Number.isNaN(started) ? Number.POSITIVE_INFINITY : now.getTime() - started;
}
