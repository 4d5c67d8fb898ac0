import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { BackupInfo } from '../ports';
import { toRewindError } from './aws-errors';

/** Bounds the listing of a source with very many snapshots; the newest are what matter. */
const MAX_PAGES = 10;

interface SnapshotLike {
  id?: string;
  status?: string;
  createdAt?: Date;
  allocatedGiB?: number;
}

function toBackup(s: SnapshotLike): BackupInfo | undefined {
  if (s.id === undefined || s.createdAt === undefined) return undefined;
  const valid = s.status === 'available';
  return {
    id: s.id,
    finishedAt: s.createdAt,
    // Allocated storage is an upper bound of what a restore needs, not the snapshot's size.
    sizeBytes: s.allocatedGiB === undefined ? undefined : s.allocatedGiB * 1024 ** 3,
    valid,
    note: valid ? undefined : `snapshot status is ${s.status ?? 'unknown'}`,
  };
}

function newestFirst(list: SnapshotLike[]): BackupInfo[] {
  return list
    .map(toBackup)
    .filter((b): b is BackupInfo => b !== undefined)
    .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
}

/** Manual and automated snapshots of an RDS instance, newest first. */
export async function instanceSnapshots(rds: RDSClient, instanceId: string): Promise<BackupInfo[]> {
  const found: SnapshotLike[] = [];
  let marker: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceId, Marker: marker }));
      for (const s of out.DBSnapshots ?? []) {
        found.push({ id: s.DBSnapshotIdentifier, status: s.Status, createdAt: s.SnapshotCreateTime, allocatedGiB: s.AllocatedStorage });
      }
      marker = out.Marker;
      if (!marker) break;
    }
  } catch (err) {
    throw toRewindError(err, `list the snapshots of ${instanceId}`);
  }
  return newestFirst(found);
}

/** Manual and automated snapshots of an Aurora cluster, newest first. */
export async function clusterSnapshots(rds: RDSClient, clusterId: string): Promise<BackupInfo[]> {
  const found: SnapshotLike[] = [];
  let marker: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, Marker: marker }));
      for (const s of out.DBClusterSnapshots ?? []) {
        // Aurora storage is shared and grows on demand: AllocatedStorage says nothing about size.
        found.push({ id: s.DBClusterSnapshotIdentifier, status: s.Status, createdAt: s.SnapshotCreateTime });
      }
      marker = out.Marker;
      if (!marker) break;
    }
  } catch (err) {
    throw toRewindError(err, `list the snapshots of ${clusterId}`);
  }
  return newestFirst(found);
}
