import {
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { PollResult, RecoverySource, ResourceRef, RestorableWindow, RestoreRequest, SourceDescription } from '../ports';
import { RewindError } from '../../recovery/errors';
import { rdsClientFrom, type AwsClientOptions } from './aws-client';
import { isAwsError, toRewindError } from './aws-errors';
import { instanceSnapshots } from './rds-backups';
import { discardLater, discardStuck, isProtectionRefusal, liftDeletionProtection, protectionNotLiftedYet, sourceDiscardRefused } from './rds-deletion-protection';
import { findInstance, INVISIBLE_GRACE_MS, refField, requireInstance, startedMsAgo } from './rds-lookup';
import { instanceRestoreSettings, type RdsInstanceOverrides } from './rds-restore-settings';
import { isStuckStatus, statusMeaning } from './rds-status';
import { adoptionRefused, discardRefused, ownership, restoreTags, runIdFromTags } from './rds-tags';
import { refuseReplacedSource } from './replaced-source';
import { checkRdsIdentifier, checkTargetInWindow } from './restore-window-check';

export const RDS_INSTANCE_PROVIDER = 'aws-rds-instance';

export interface RdsInstanceSourceOptions {
  /** An injected client, or where to build one. */
  rds: RDSClient | AwsClientOptions;
  sourceInstanceId: string;
  /** Database name reported in the endpoint; defaults to the instance's DBName. */
  database?: string;
  /** Hint for the engine between polls while the instance is not ready (default 30 s). */
  pollIntervalMs?: number;
  overrides?: RdsInstanceOverrides;
  now?: () => Date;
}

/**
 * An RDS for PostgreSQL instance restored to a point in time (or from a snapshot) into a new
 * instance named by the engine. The new instance copies the source's network, parameters and
 * tags, and carries `managed-by=rewind` plus the run's tag, which is what adoption and
 * deletion check.
 */
export class RdsInstanceRecoverySource implements RecoverySource {
  private readonly rds: RDSClient;
  private readonly now: () => Date;

  constructor(private readonly opts: RdsInstanceSourceOptions) {
    this.rds = rdsClientFrom(opts.rds);
    this.now = opts.now ?? (() => new Date());
  }

  async describe(): Promise<SourceDescription> {
    const source = await requireInstance(this.rds, this.opts.sourceInstanceId);
    await refuseReplacedSource(this.rds, 'instance', this.opts.sourceInstanceId, source.TagList);
    const window = await this.window(source);
    const backups = await instanceSnapshots(this.rds, this.opts.sourceInstanceId);
    return { engine: source.Engine ?? 'postgres', window, backups };
  }

  async startRestore(req: RestoreRequest): Promise<ResourceRef> {
    const runId = runIdFromTags(req.tags);
    checkRdsIdentifier(req.name, 'instance');
    const sourceId = this.opts.sourceInstanceId;
    const ref: ResourceRef = { provider: RDS_INSTANCE_PROVIDER, id: req.name, runId, source: sourceId, startedAt: this.now().toISOString() };

    // A retry after a crash finds the instance it created before: adopt it without a new create.
    const existing = await findInstance(this.rds, req.name);
    if (existing) return this.adopt(existing, ref);

    const source = await requireInstance(this.rds, sourceId);
    if (req.target.kind === 'time') checkTargetInWindow(req.target.at, await this.window(source), sourceId, this.now());
    const common = { ...instanceRestoreSettings(source, this.opts.overrides), Tags: restoreTags(source.TagList, req.tags) };
    try {
      if (req.target.kind === 'backup') {
        await this.rds.send(
          new RestoreDBInstanceFromDBSnapshotCommand({ ...common, DBInstanceIdentifier: req.name, DBSnapshotIdentifier: req.target.backupId }),
        );
      } else {
        await this.rds.send(
          new RestoreDBInstanceToPointInTimeCommand({
            ...common,
            SourceDBInstanceIdentifier: sourceId,
            TargetDBInstanceIdentifier: req.name,
            ...(req.target.kind === 'time' ? { RestoreTime: req.target.at } : { UseLatestRestorableTime: true }),
          }),
        );
      }
    } catch (err) {
      if (isAwsError(err, 'DBInstanceAlreadyExists')) {
        // Created concurrently (or invisible to the describe above): the tags decide.
        const raced = await findInstance(this.rds, req.name);
        if (raced) return this.adopt(raced, ref);
      }
      const what = req.target.kind === 'backup' ? `snapshot ${req.target.backupId}` : sourceId;
      throw toRewindError(err, `restore ${what} into ${req.name}`);
    }
    return ref;
  }

  async poll(ref: ResourceRef): Promise<PollResult> {
    const retryAfterMs = this.opts.pollIntervalMs ?? 30_000;
    const instance = await findInstance(this.rds, ref.id);
    if (!instance) {
      if (startedMsAgo(ref, this.now()) < INVISIBLE_GRACE_MS) return { state: 'pending', detail: 'waiting for RDS to list the new instance', retryAfterMs };
      return { state: 'failed', reason: `The restored instance ${ref.id} no longer exists; it was deleted outside this run.` };
    }
    const meaning = statusMeaning(instance.DBInstanceStatus, `the restored instance ${ref.id}`);
    if (meaning.kind === 'failed') return { state: 'failed', reason: meaning.reason };
    if (meaning.kind === 'pending') return { state: 'pending', detail: `instance ${ref.id}: ${meaning.status}`, retryAfterMs };
    const address = instance.Endpoint?.Address;
    const port = instance.Endpoint?.Port;
    if (address === undefined || port === undefined) {
      return { state: 'pending', detail: `instance ${ref.id}: available, endpoint not published yet`, retryAfterMs };
    }
    const database = this.opts.database ?? instance.DBName;
    return { state: 'available', endpoint: { host: address, port, ...(database ? { database } : {}) }, detail: `instance ${ref.id} is available` };
  }

  /**
   * Deletes the restored instance when its tags say this run created it. Deletion protection
   * copied from the source is turned off first — on this run's copy only, never on the source or
   * on anything tagged otherwise. Safe to repeat at any point: a gone or deleting instance is
   * done, an unprotected one is deleted (in a failed status too), and protection RDS has not
   * applied yet is a retryable error, so the next attempt finishes the job. A protected copy in a
   * failed status it never leaves (DISCARD_STUCK) is not retryable: a person has to turn the
   * protection off.
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
    if (ref.id === this.opts.sourceInstanceId) throw sourceDiscardRefused('instance', ref.id);
    const instance = await findInstance(this.rds, ref.id);
    if (!instance) return;
    if (ownership(instance.TagList, runId) !== 'this-run') throw discardRefused('RDS instance', ref.id, instance.TagList, runId);
    if (instance.DBInstanceStatus === 'deleting') return;
    if (instance.DeletionProtection) {
      const status = instance.DBInstanceStatus;
      if (isStuckStatus(status)) throw await discardStuck(this.rds, 'instance', ref.id, status, runId);
      await liftDeletionProtection(this.rds, 'instance', ref.id);
    }
    try {
      await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ref.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    } catch (err) {
      if (isAwsError(err, 'DBInstanceNotFound')) return;
      if (isProtectionRefusal(err)) throw protectionNotLiftedYet('instance', ref.id, err);
      throw toRewindError(err, `delete RDS instance ${ref.id}`);
    }
  }

  private adopt(instance: DBInstance, ref: ResourceRef): ResourceRef {
    const runId = refField(ref, 'runId');
    if (ownership(instance.TagList, runId) !== 'this-run') throw adoptionRefused('RDS instance', ref.id, instance.TagList, runId);
    const created = instance.InstanceCreateTime?.toISOString();
    return { ...ref, adopted: true, ...(created ? { startedAt: created } : {}) };
  }

  /** LatestRestorableTime from the instance; EarliestTime from its automated backups. */
  private async window(source: DBInstance): Promise<RestorableWindow> {
    const id = this.opts.sourceInstanceId;
    const latest = source.LatestRestorableTime;
    let earliest: Date | undefined;
    try {
      const out = await this.rds.send(
        new DescribeDBInstanceAutomatedBackupsCommand(source.DbiResourceId ? { DbiResourceId: source.DbiResourceId } : { DBInstanceIdentifier: id }),
      );
      const times = (out.DBInstanceAutomatedBackups ?? [])
        .map((b) => b.RestoreWindow?.EarliestTime?.getTime())
        .filter((t): t is number => t !== undefined);
      if (times.length > 0) earliest = new Date(Math.min(...times));
    } catch (err) {
      if (!isAwsError(err, 'DBInstanceAutomatedBackupNotFound')) throw toRewindError(err, `read the restore window of ${id}`);
    }
    if (latest === undefined || earliest === undefined || source.BackupRetentionPeriod === 0) {
      throw new RewindError({
        code: 'PITR_NOT_ENABLED',
        userMessage: `${id} has no point-in-time restore window: automated backups are off (backup retention 0) or have not started yet. Turn on automated backups, or restore from a snapshot.`,
      });
    }
    return { earliest, latest };
  }
}
