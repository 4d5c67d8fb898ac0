import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { PollResult, RecoverySource, ResourceRef, RestoreRequest, SourceDescription } from '../ports';
import { RewindError } from '../../recovery/errors';
import { rdsClientFrom, type AwsClientOptions } from './aws-client';
import { isAwsError, toRewindError } from './aws-errors';
import { clusterSnapshots } from './rds-backups';
import { discardLater, discardStuck, isProtectionRefusal, liftDeletionProtection, protectionNotLiftedYet, sourceDiscardRefused } from './rds-deletion-protection';
import { findCluster, findInstance, INVISIBLE_GRACE_MS, refField, requireCluster, startedMsAgo } from './rds-lookup';
import { clusterRestoreSettings, type AuroraClusterOverrides } from './rds-restore-settings';
import { isStuckStatus, statusMeaning } from './rds-status';
import { adoptionRefused, discardRefused, ownership, restoreTags, runIdFromTags } from './rds-tags';
import { refuseReplacedSource } from './replaced-source';
import { checkRdsIdentifier, checkTargetInWindow } from './restore-window-check';
import { writerInstanceSettings, type WriterSettings } from './aurora-writer';

export const AURORA_CLUSTER_PROVIDER = 'aws-aurora-cluster';

export interface AuroraClusterSourceOptions {
  rds: RDSClient | AwsClientOptions;
  sourceClusterId: string;
  /** `copy-on-write` is fast and cheap (drills); `full-copy` (default) is independent of the source. */
  restoreType?: 'full-copy' | 'copy-on-write';
  /** Class of the writer instance; defaults to the source writer's class. */
  instanceClass?: string;
  database?: string;
  pollIntervalMs?: number;
  overrides?: AuroraClusterOverrides;
  now?: () => Date;
}

/**
 * An Aurora PostgreSQL cluster restored into a new cluster. A restored cluster has no
 * instances: once it is available, poll() creates the writer instance (`<name>-1`,
 * idempotently) and reports the cluster endpoint when that instance is available too.
 */
export class AuroraClusterRecoverySource implements RecoverySource {
  private readonly rds: RDSClient;
  private readonly now: () => Date;

  constructor(private readonly opts: AuroraClusterSourceOptions) {
    this.rds = rdsClientFrom(opts.rds);
    this.now = opts.now ?? (() => new Date());
  }

  async describe(): Promise<SourceDescription> {
    const source = await requireCluster(this.rds, this.opts.sourceClusterId);
    await refuseReplacedSource(this.rds, 'cluster', this.opts.sourceClusterId, source.TagList);
    const backups = await clusterSnapshots(this.rds, this.opts.sourceClusterId);
    return { engine: source.Engine ?? 'aurora-postgresql', window: this.window(source), backups };
  }

  async startRestore(req: RestoreRequest): Promise<ResourceRef> {
    const runId = runIdFromTags(req.tags);
    checkRdsIdentifier(req.name, 'cluster');
    const instanceId = `${req.name}-1`;
    checkRdsIdentifier(instanceId, 'instance');
    const sourceId = this.opts.sourceClusterId;
    const source = await requireCluster(this.rds, sourceId);
    // Kept in the ref so poll() can create the writer even if the source is unreachable by then.
    const writer = await writerInstanceSettings(this.rds, source, this.opts.instanceClass);
    const tags = restoreTags(source.TagList, req.tags);
    const ref: ResourceRef = {
      provider: AURORA_CLUSTER_PROVIDER,
      id: req.name,
      instanceId,
      runId,
      source: sourceId,
      engine: source.Engine ?? 'aurora-postgresql',
      writer,
      tags: Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? ''])),
      startedAt: this.now().toISOString(),
    };

    const existing = await findCluster(this.rds, req.name);
    if (existing) return this.adopt(existing, ref);
    if (req.target.kind === 'time') checkTargetInWindow(req.target.at, this.window(source), sourceId, this.now());

    const common = { ...clusterRestoreSettings(source, this.opts.overrides), DBClusterIdentifier: req.name, Tags: tags };
    try {
      if (req.target.kind === 'backup') {
        await this.rds.send(
          new RestoreDBClusterFromSnapshotCommand({
            ...common,
            SnapshotIdentifier: req.target.backupId,
            Engine: source.Engine ?? 'aurora-postgresql',
            EngineVersion: source.EngineVersion,
          }),
        );
      } else {
        await this.rds.send(
          new RestoreDBClusterToPointInTimeCommand({
            ...common,
            SourceDBClusterIdentifier: sourceId,
            RestoreType: this.opts.restoreType ?? 'full-copy',
            ...(req.target.kind === 'time' ? { RestoreToTime: req.target.at } : { UseLatestRestorableTime: true }),
          }),
        );
      }
    } catch (err) {
      if (isAwsError(err, 'DBClusterAlreadyExists')) {
        const raced = await findCluster(this.rds, req.name);
        if (raced) return this.adopt(raced, ref);
      }
      const what = req.target.kind === 'backup' ? `snapshot ${req.target.backupId}` : sourceId;
      throw toRewindError(err, `restore ${what} into cluster ${req.name}`);
    }
    return ref;
  }

  async poll(ref: ResourceRef): Promise<PollResult> {
    const retryAfterMs = this.opts.pollIntervalMs ?? 30_000;
    const runId = refField(ref, 'runId');
    const instanceId = refField(ref, 'instanceId');
    const cluster = await findCluster(this.rds, ref.id);
    if (!cluster) {
      if (startedMsAgo(ref, this.now()) < INVISIBLE_GRACE_MS) return { state: 'pending', detail: 'waiting for RDS to list the new cluster', retryAfterMs };
      return { state: 'failed', reason: `The restored cluster ${ref.id} no longer exists; it was deleted outside this run.` };
    }
    const clusterState = statusMeaning(cluster.Status, `the restored cluster ${ref.id}`);
    if (clusterState.kind === 'failed') return { state: 'failed', reason: clusterState.reason };
    if (clusterState.kind === 'pending') return { state: 'pending', detail: `cluster ${ref.id}: ${clusterState.status}`, retryAfterMs };

    const instance = await findInstance(this.rds, instanceId);
    if (!instance) {
      await this.createWriter(ref, cluster);
      return { state: 'pending', detail: `cluster ${ref.id} is available; creating writer instance ${instanceId}`, retryAfterMs };
    }
    if (ownership(instance.TagList, runId) !== 'this-run') {
      return { state: 'failed', reason: adoptionRefused('RDS instance', instanceId, instance.TagList, runId).userMessage };
    }
    const instanceState = statusMeaning(instance.DBInstanceStatus, `the writer instance ${instanceId}`);
    if (instanceState.kind === 'failed') return { state: 'failed', reason: instanceState.reason };
    if (instanceState.kind === 'pending') return { state: 'pending', detail: `writer ${instanceId}: ${instanceState.status}`, retryAfterMs };
    if (cluster.Endpoint === undefined || cluster.Port === undefined) {
      return { state: 'pending', detail: `cluster ${ref.id}: endpoint not published yet`, retryAfterMs };
    }
    const database = this.opts.database ?? cluster.DatabaseName;
    return { state: 'available', endpoint: { host: cluster.Endpoint, port: cluster.Port, ...(database ? { database } : {}) }, detail: `cluster ${ref.id} is available` };
  }

  /**
   * Deletes the cluster's instances, then the cluster; every one must carry this run's tags, and
   * all are checked before anything changes. Deletion protection copied from the source exists
   * on the cluster only (RDS deletes member instances regardless) and is turned off once every
   * check passed, on this run's copy only — unless the cluster is in a failed status it never
   * leaves (DISCARD_STUCK, for a person to resolve). Safe to repeat at any point, as
   * RdsInstanceRecoverySource.discard.
   */
  async discard(ref: ResourceRef): Promise<void> {
    try {
      await this.discardNow(ref);
    } catch (err) {
      throw discardLater(err, this.opts.pollIntervalMs ?? 30_000);
    }
  }

  private async discardNow(ref: ResourceRef): Promise<void> {
    const runId = refField(ref, 'runId');
    if (ref.id === this.opts.sourceClusterId) throw sourceDiscardRefused('cluster', ref.id);
    const cluster = await findCluster(this.rds, ref.id);
    if (!cluster) return;
    if (ownership(cluster.TagList, runId) !== 'this-run') throw discardRefused('Aurora cluster', ref.id, cluster.TagList, runId);
    if (cluster.Status === 'deleting') return;
    const members = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier).filter((id): id is string => id !== undefined);
    const instances = [];
    for (const id of members) {
      const inst = await findInstance(this.rds, id);
      if (!inst) continue;
      // Checked for all members before changing anything, so a refusal leaves everything in place.
      if (ownership(inst.TagList, runId) !== 'this-run') throw discardRefused('RDS instance', id, inst.TagList, runId);
      instances.push(inst);
    }
    if (cluster.DeletionProtection) {
      const status = cluster.Status;
      if (isStuckStatus(status)) throw await discardStuck(this.rds, 'cluster', ref.id, status, runId);
      await liftDeletionProtection(this.rds, 'cluster', ref.id);
    }
    for (const inst of instances) {
      const id = inst.DBInstanceIdentifier ?? '';
      if (inst.DBInstanceStatus === 'deleting') continue;
      try {
        await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id }));
      } catch (err) {
        if (!isAwsError(err, 'DBInstanceNotFound')) throw toRewindError(err, `delete instance ${id} of cluster ${ref.id}`);
      }
    }
    try {
      await this.rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: ref.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    } catch (err) {
      if (isAwsError(err, 'DBClusterNotFound')) return;
      if (isProtectionRefusal(err)) throw protectionNotLiftedYet('cluster', ref.id, err);
      throw toRewindError(err, `delete Aurora cluster ${ref.id}`);
    }
  }

  /** Idempotent: an instance created by an earlier poll makes CreateDBInstance fail harmlessly. */
  private async createWriter(ref: ResourceRef, cluster: DBCluster): Promise<void> {
    const instanceId = refField(ref, 'instanceId');
    const writer = ref.writer as WriterSettings | undefined;
    const tags = (ref.tags ?? {}) as Record<string, string>;
    try {
      await this.rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: instanceId,
          DBClusterIdentifier: ref.id,
          Engine: cluster.Engine ?? 'aurora-postgresql',
          DBInstanceClass: writer?.instanceClass ?? this.opts.instanceClass,
          DBParameterGroupName: writer?.parameterGroup,
          PubliclyAccessible: writer?.publiclyAccessible,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (err) {
      if (isAwsError(err, 'DBInstanceAlreadyExists')) return;
      throw toRewindError(err, `create writer instance ${instanceId} in cluster ${ref.id}`);
    }
  }

  private adopt(cluster: DBCluster, ref: ResourceRef): ResourceRef {
    const runId = refField(ref, 'runId');
    if (ownership(cluster.TagList, runId) !== 'this-run') throw adoptionRefused('Aurora cluster', ref.id, cluster.TagList, runId);
    const created = cluster.ClusterCreateTime?.toISOString();
    return { ...ref, adopted: true, ...(created ? { startedAt: created } : {}) };
  }

  private window(source: DBCluster): { earliest: Date; latest: Date } {
    if (source.EarliestRestorableTime === undefined || source.LatestRestorableTime === undefined) {
      throw new RewindError({
        code: 'PITR_NOT_ENABLED',
        userMessage: `${this.opts.sourceClusterId} reports no restorable window yet (a new cluster has none until its first backup). Restore from a snapshot or wait.`,
      });
    }
    return { earliest: source.EarliestRestorableTime, latest: source.LatestRestorableTime };
  }
}
