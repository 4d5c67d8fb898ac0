import { join } from 'node:path';
import { pgCtlStatus, type ClusterStatus, type PgProcessRunner } from '../providers/local/pg-process';
import { restoredInstances } from '../providers/local/restore-instance';
import { sourceUrl } from './demo-dataset';

export interface RestoredCluster {
  name: string;
  dataDir: string;
  port: number;
  database: string;
  status: ClusterStatus;
  /** When Rewind started the restore, and what it restored to. */
  createdAt: string;
  target: string;
}

/** The clusters Rewind restored under `restoreRoot` (only ones with its marker), oldest first. */
export async function listRestoredClusters(runner: PgProcessRunner, restoreRoot: string): Promise<RestoredCluster[]> {
  const out: RestoredCluster[] = [];
  for (const { inst, marker } of await restoredInstances(restoreRoot)) {
    out.push({
      name: marker.name,
      dataDir: inst.dataDir,
      port: marker.port,
      database: marker.database,
      status: await pgCtlStatus(runner, inst.dataDir),
      createdAt: marker.createdAt,
      target: marker.target,
    });
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** How to stop a cluster by hand: PostgreSQL refuses root, so as root it goes through the owner. */
export function stopCommand(runner: PgProcessRunner, dataDir: string, asOwner: boolean): string {
  const pgCtl = join(runner.pgBin, 'pg_ctl');
  return asOwner ? `runuser -u ${runner.osUser} -- ${pgCtl} stop -D ${dataDir}` : `${pgCtl} stop -D ${dataDir}`;
}

/** Lines listing the restored clusters that stay behind, with how to reach and stop them. */
export async function describeRestoredClusters(runner: PgProcessRunner, clusters: RestoredCluster[], resetHint: string): Promise<string[]> {
  if (clusters.length === 0) return [];
  const asOwner = (await runner.runsAs()) !== undefined;
  const lines = [`Restored clusters, left for inspection (${resetHint} removes them with all demo state):`];
  for (const c of clusters) {
    const state = c.status === 'running' ? `running: psql ${sourceUrl(c.port, c.database)}` : c.status;
    lines.push(`  ${c.name} (${c.target}): ${state}`);
    if (c.status === 'running') lines.push(`    stop it: ${stopCommand(runner, c.dataDir, asOwner)}`);
  }
  return lines;
}
