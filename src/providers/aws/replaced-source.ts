import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient, type Tag } from '@aws-sdk/client-rds';
import { RewindError } from '../../recovery/errors';
import { toRewindError } from './aws-errors';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE, RUN_KEY, tagRecord } from './rds-tags';
import { RETAINED_BY_KEY, RETAINED_ROLE_KEY } from './retention-tags';

const MAX_PAGES = 20;

/**
 * Refuses a source that a cutover replaced (retention tagged it `rewind-retained-role=replaced`):
 * rewind.yml still names it, but the application now writes to the database that run restored,
 * so restoring the old one would silently lose every write since the cutover. The restored
 * database is the one carrying `managed-by=rewind` and the replacing run's `rewind-run` tag.
 */
export async function refuseReplacedSource(rds: RDSClient, kind: 'instance' | 'cluster', sourceId: string, tags: readonly Tag[] | undefined): Promise<void> {
  const record = tagRecord(tags);
  if (record[RETAINED_ROLE_KEY] !== 'replaced') return;
  const runId = record[RETAINED_BY_KEY] || undefined;
  const restored = runId ? await restoredBy(rds, kind, runId, sourceId) : undefined;
  const field = kind === 'instance' ? 'source.instanceId' : 'source.clusterId';
  const by = restored ?? (runId ? `the database run ${runId} restored` : 'a restored database');
  const inRun = runId ? ` in run ${runId}` : '';
  throw new RewindError({
    code: 'SOURCE_REPLACED',
    userMessage:
      `${sourceId} was replaced by ${by}${inRun}; restoring it would lose every write since that cutover. ` +
      `Update ${field} in rewind.yml to ${restored ?? 'the database now in service'} (and restart Rewind), ` +
      `or remove the ${RETAINED_ROLE_KEY} tag from ${sourceId} if you rolled back by hand.`,
  });
}

/** The id of the instance (or cluster) Rewind created in that run, if it still exists. */
async function restoredBy(rds: RDSClient, kind: 'instance' | 'cluster', runId: string, sourceId: string): Promise<string | undefined> {
  const mine = (id: string | undefined, tags: readonly Tag[] | undefined): id is string => {
    const t = tagRecord(tags);
    return id !== undefined && id !== sourceId && t[MANAGED_BY_KEY] === MANAGED_BY_VALUE && t[RUN_KEY] === runId;
  };
  let marker: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      if (kind === 'instance') {
        const res = await rds.send(new DescribeDBInstancesCommand({ Marker: marker }));
        const hit = (res.DBInstances ?? []).find((i) => mine(i.DBInstanceIdentifier, i.TagList));
        if (hit) return hit.DBInstanceIdentifier;
        marker = res.Marker;
      } else {
        const res = await rds.send(new DescribeDBClustersCommand({ Marker: marker }));
        const hit = (res.DBClusters ?? []).find((c) => mine(c.DBClusterIdentifier, c.TagList));
        if (hit) return hit.DBClusterIdentifier;
        marker = res.Marker;
      }
      if (!marker) break;
    }
  } catch (err) {
    throw toRewindError(err, `list RDS ${kind}s to find the one that replaced ${sourceId}`);
  }
  return undefined;
}
