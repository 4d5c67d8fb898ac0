import {
  AddTagsToResourceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RemoveTagsFromResourceCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { DELETE_OUTCOME_UNKNOWN, type ResourceRef, type ResourceRetention, type RetainedResource } from '../ports';
import { RewindError } from '../../recovery/errors';
import { AURORA_CLUSTER_PROVIDER } from './aurora-cluster-source';
import { rdsClientFrom, type AwsClientOptions } from './aws-client';
import { isAwsError, refusedByAws, toRewindError } from './aws-errors';
import { RDS_INSTANCE_PROVIDER } from './rds-instance-source';
import { findCluster, findInstance } from './rds-lookup';
import { ownership, tagRecord } from './rds-tags';
import { finalSnapshotName, RETAIN_UNTIL_KEY, RETAINED_BY_KEY, RETAINED_FOR_KEY, RETENTION_TAG_KEYS, retentionOf, retentionTags } from './retention-tags';

/** The fields of an instance or a cluster retention needs, whichever it is. */
interface Described {
  id: string;
  arn?: string;
  status?: string;
  tags: Tag[];
  deletionProtection: boolean;
  members: string[];
}

export interface RdsRetentionOptions {
  rds: RDSClient | AwsClientOptions;
  /** Which kind of resource this database's restores create and replace. */
  kind: 'instance' | 'cluster';
  /** The configured source: the resource a cutover replaces. */
  sourceId: string;
  /** The rewind.yml database name, which restored resources carry as `rewind-database`. */
  database: string;
  retainForMs: number;
}

const MAX_PAGES = 20;

/**
 * Retention of RDS instances or Aurora clusters by tags. The replaced resource is this
 * database's configured source; restored ones are those Rewind created for this database.
 * Deletion re-reads the resource and refuses unless its tags still say it is retained, due,
 * and this database's; it keeps a final snapshot.
 */
export class RdsRetention implements ResourceRetention {
  readonly retainForMs: number;
  private readonly rds: RDSClient;
  private readonly provider: string;

  constructor(private readonly opts: RdsRetentionOptions) {
    this.rds = rdsClientFrom(opts.rds);
    this.retainForMs = opts.retainForMs;
    this.provider = opts.kind === 'instance' ? RDS_INSTANCE_PROVIDER : AURORA_CLUSTER_PROVIDER;
  }

  async retainReplaced(runId: string, until: Date): Promise<RetainedResource | undefined> {
    const found = await this.find(this.opts.sourceId);
    if (!found) return undefined;
    const current = retentionOf(found.tags);
    if (current?.retainedBy === runId) return this.view(found);
    const tags = retentionTags(until, runId, 'replaced', this.opts.database);
    await this.tag(found, tags);
    return this.view({ ...found, tags: [...found.tags, ...tags] });
  }

  async releaseReplaced(runId: string): Promise<void> {
    const keptBy = (d: Described | undefined): d is Described => d !== undefined && tagRecord(d.tags)[RETAINED_BY_KEY] === runId && this.isOurs(d) && retentionOf(d.tags)?.role === 'replaced';
    const configured = await this.find(this.opts.sourceId);
    // rewind.yml may name the successor by now: then the replaced one is found by its tags.
    const found = keptBy(configured) ? configured : (await this.describeAll()).find(keptBy);
    if (!found) return;
    try {
      await this.rds.send(new RemoveTagsFromResourceCommand({ ResourceName: this.arnOf(found), TagKeys: [...RETENTION_TAG_KEYS] }));
    } catch (err) {
      throw toRewindError(err, `remove the retention tags from ${this.opts.kind} ${found.id}`);
    }
  }

  async retainRestored(ref: ResourceRef, runId: string, until: Date): Promise<RetainedResource | undefined> {
    const found = await this.find(ref.id);
    if (!found) return undefined;
    if (ownership(found.tags, runId) !== 'this-run') {
      throw new RewindError({
        code: 'RETAIN_REFUSED',
        userMessage: `Rewind will not tag ${this.opts.kind} ${ref.id} for retention: it is not tagged as created by run ${runId}. Check it by hand.`,
      });
    }
    if (retentionOf(found.tags)?.retainedBy === runId) return this.view(found);
    const tags = retentionTags(until, runId, 'restored', this.opts.database);
    await this.tag(found, tags);
    return this.view({ ...found, tags: [...found.tags, ...tags] });
  }

  async listRetained(): Promise<RetainedResource[]> {
    const all = await this.describeAll();
    // One being deleted already is not offered again.
    return all.filter((d) => d.status !== 'deleting' && this.isOurs(d)).map((d) => this.view(d)).filter((r): r is RetainedResource => r !== undefined);
  }

  async extendRetention(resource: Pick<RetainedResource, 'id' | 'provider'>, until: Date): Promise<RetainedResource> {
    const found = resource.provider === this.provider ? await this.find(resource.id) : undefined;
    const retained = found && this.isOurs(found) ? this.view(found) : undefined;
    if (!found || !retained) {
      throw new RewindError({
        code: 'RETAINED_NOT_FOUND',
        userMessage: `${resource.id} is not kept by Rewind for ${this.opts.database} any more (it was deleted, or its Rewind retention tags were removed). Nothing was changed.`,
      });
    }
    // Only the time changes: who retained it and why stay as they were.
    await this.tag(found, [{ Key: RETAIN_UNTIL_KEY, Value: until.toISOString() }]);
    return { ...retained, retainUntil: until };
  }

  async deleteRetained(resource: Pick<RetainedResource, 'id' | 'provider'>, now: Date): Promise<{ finalSnapshot?: string }> {
    const found = resource.provider === this.provider ? await this.find(resource.id) : undefined;
    if (!found) {
      throw new RewindError({ code: 'RETAINED_NOT_FOUND', userMessage: `${resource.id} no longer exists (or is not a ${this.opts.kind} of this database); there is nothing to delete.` });
    }
    const retained = this.isOurs(found) ? this.view(found) : undefined;
    if (!retained) {
      throw new RewindError({
        code: 'DELETE_REFUSED',
        userMessage: `Refusing to delete ${this.opts.kind} ${found.id}: it does not carry Rewind's retention tags for ${this.opts.database}. Rewind deletes only what it tagged; delete it by hand if it really must go.`,
      });
    }
    if (retained.retainUntil.getTime() > now.getTime()) {
      throw new RewindError({ code: 'RETENTION_NOT_OVER', userMessage: `${found.id} is kept until ${retained.retainUntil.toISOString()}; it cannot be deleted before then.` });
    }
    if (found.deletionProtection) throw protectedError(this.opts.kind, found.id);
    if (found.status === 'deleting') return {};
    const finalSnapshot = finalSnapshotName(found.id, now);
    // Once any delete was accepted (an Aurora member), a later failure leaves it in part deleted.
    let accepted = false;
    try {
      if (this.opts.kind === 'instance') {
        await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: found.id, SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: finalSnapshot }));
      } else {
        for (const member of found.members) {
          try {
            await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: member }));
            accepted = true;
          } catch (err) {
            if (!isAwsError(err, 'DBInstanceNotFound', 'InvalidDBInstanceState')) throw err;
          }
        }
        await this.rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: found.id, SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: finalSnapshot }));
      }
    } catch (err) {
      const failed = toRewindError(err, `delete ${this.opts.kind} ${found.id}`);
      if (!accepted && refusedByAws(err)) throw failed;
      throw new RewindError({
        code: DELETE_OUTCOME_UNKNOWN,
        userMessage: `Rewind asked RDS to delete ${this.opts.kind} ${found.id}${accepted ? ' (its instances are being deleted)' : ''}, and cannot tell whether it is being deleted: ${failed.userMessage} Look at ${found.id} in the AWS console before anything else; if it is still there and available, delete it again from here.`,
        retryable: false,
        detail: { id: found.id, finalSnapshot },
        cause: err,
      });
    }
    return { finalSnapshot };
  }

  /** The configured source (replaced), or a resource Rewind restored for this database. */
  private isOurs(d: Described): boolean {
    const r = retentionOf(d.tags);
    if (!r) return false;
    // By id while rewind.yml still names it; by the tag once rewind.yml names its successor.
    if (r.role === 'replaced') return d.id === this.opts.sourceId || tagRecord(d.tags)[RETAINED_FOR_KEY] === this.opts.database;
    return tagRecord(d.tags)['rewind-database'] === this.opts.database;
  }

  private view(d: Described): RetainedResource | undefined {
    const r = retentionOf(d.tags);
    return r && { provider: this.provider, id: d.id, ...r, deletionProtection: d.deletionProtection };
  }

  private async tag(d: Described, tags: Tag[]): Promise<void> {
    try {
      await this.rds.send(new AddTagsToResourceCommand({ ResourceName: this.arnOf(d), Tags: tags }));
    } catch (err) {
      throw toRewindError(err, `tag ${this.opts.kind} ${d.id} for retention`);
    }
  }

  private arnOf(d: Described): string {
    if (d.arn) return d.arn;
    throw new RewindError({ code: 'AWS_NO_ARN', userMessage: `RDS did not report the ARN of ${this.opts.kind} ${d.id}, so Rewind cannot tag it. Tag it by hand or try again.`, retryable: true });
  }

  private async find(id: string): Promise<Described | undefined> {
    if (this.opts.kind === 'instance') {
      const i = await findInstance(this.rds, id);
      return i && { id, arn: i.DBInstanceArn, status: i.DBInstanceStatus, tags: i.TagList ?? [], deletionProtection: i.DeletionProtection === true, members: [] };
    }
    const c = await findCluster(this.rds, id);
    return (
      c && {
        id,
        arn: c.DBClusterArn,
        status: c.Status,
        tags: c.TagList ?? [],
        deletionProtection: c.DeletionProtection === true,
        members: (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '').filter((m) => m !== ''),
      }
    );
  }

  /** Every instance (or cluster) of the account and region; RDS cannot filter by tag. */
  private async describeAll(): Promise<Described[]> {
    const out: Described[] = [];
    let marker: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        if (this.opts.kind === 'instance') {
          const res = await this.rds.send(new DescribeDBInstancesCommand({ Marker: marker }));
          for (const i of res.DBInstances ?? []) {
            if (i.DBInstanceIdentifier) out.push({ id: i.DBInstanceIdentifier, arn: i.DBInstanceArn, status: i.DBInstanceStatus, tags: i.TagList ?? [], deletionProtection: i.DeletionProtection === true, members: [] });
          }
          marker = res.Marker;
        } else {
          const res = await this.rds.send(new DescribeDBClustersCommand({ Marker: marker }));
          for (const c of res.DBClusters ?? []) {
            if (c.DBClusterIdentifier) out.push({ id: c.DBClusterIdentifier, arn: c.DBClusterArn, status: c.Status, tags: c.TagList ?? [], deletionProtection: c.DeletionProtection === true, members: [] });
          }
          marker = res.Marker;
        }
        if (!marker) break;
      }
    } catch (err) {
      throw toRewindError(err, `list RDS ${this.opts.kind}s to find retained ones`);
    }
    return out;
  }
}

function protectedError(kind: string, id: string): RewindError {
  const how = kind === 'instance' ? `aws rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection` : `aws rds modify-db-cluster --db-cluster-identifier ${id} --no-deletion-protection`;
  return new RewindError({
    code: 'DELETE_PROTECTED',
    userMessage: `${kind} ${id} has deletion protection on, so Rewind will not delete it. If it really should go, turn it off (${how}) and approve the deletion again.`,
  });
}
