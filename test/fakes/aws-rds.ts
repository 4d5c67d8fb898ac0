import { randomBytes } from 'node:crypto';
import { AwsQueryServer, FakeAwsError, type QueryParams } from './aws-query-protocol';

/**
 * An in-memory RDS speaking the Query API (Version 2014-10-31) for the actions Rewind uses,
 * including tagging by ARN (AddTagsToResource, RemoveTagsFromResource).
 * Each describe of a created instance or cluster shows the next status of its script
 * (default creating → backing-up → available), so polling moves it along. A deleted resource
 * shows `deleting` once, then is gone. Deletion protection behaves as in RDS: a protected instance
 * or cluster refuses DeleteDB* with InvalidParameterCombination (the real wording) until
 * ModifyDBInstance / ModifyDBCluster turns it off; Modify* refuses a resource that is not
 * `available`, and instances inside a cluster have no deletion protection of their own.
 */

type Fields = Record<string, unknown>;

class FakeResource {
  private shown = 0;
  deleted = false;
  constructor(
    readonly fields: Fields,
    private script: string[],
  ) {}

  /** The status the last describe showed (the first one before any describe). */
  get status(): string {
    return this.script[Math.min(Math.max(this.shown - 1, 0), this.script.length - 1)] ?? 'available';
  }

  advance(): string {
    const s = this.script[Math.min(this.shown, this.script.length - 1)] ?? 'available';
    this.shown++;
    return s;
  }

  setScript(script: string[]): void {
    this.script = script;
    this.shown = 0;
  }
}

const LIST_MEMBERS: Record<string, string> = {
  DBInstances: 'DBInstance',
  DBClusters: 'DBCluster',
  DBSnapshots: 'DBSnapshot',
  DBClusterSnapshots: 'DBClusterSnapshot',
  DBInstanceAutomatedBackups: 'DBInstanceAutomatedBackup',
  TagList: 'Tag',
  VpcSecurityGroups: 'VpcSecurityGroupMembership',
  DBParameterGroups: 'DBParameterGroup',
  DBClusterMembers: 'DBClusterMember',
};

const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === 'true');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface AddOptions {
  /** Statuses shown by successive describes; default ['available']. */
  script?: string[];
  /** Start of the point-in-time window reported by DescribeDBInstanceAutomatedBackups. */
  earliestRestorableTime?: Date;
}

export class FakeRds {
  readonly instances = new Map<string, FakeResource>();
  readonly clusters = new Map<string, FakeResource>();
  readonly snapshots: Fields[] = [];
  readonly clusterSnapshots: Fields[] = [];
  private readonly scripts = new Map<string, string[]>();
  private readonly earliest = new Map<string, Date>();
  readonly server: AwsQueryServer;
  url = '';

  constructor() {
    this.server = new AwsQueryServer('http://rds.amazonaws.com/doc/2014-10-31/', this.handlers(), LIST_MEMBERS);
  }

  static async start(): Promise<FakeRds> {
    const fake = new FakeRds();
    fake.url = await fake.server.listen();
    return fake;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addInstance(id: string, fields: Fields, opts: AddOptions = {}): void {
    this.instances.set(id, new FakeResource({ DBInstanceIdentifier: id, DbiResourceId: `db-${id}`, ...fields }, opts.script ?? ['available']));
    if (opts.earliestRestorableTime) this.earliest.set(id, opts.earliestRestorableTime);
  }

  addCluster(id: string, fields: Fields, opts: AddOptions = {}): void {
    this.clusters.set(id, new FakeResource({ DBClusterIdentifier: id, ...fields }, opts.script ?? ['available']));
  }

  /** Statuses for a resource Rewind will create under this id. */
  scriptFor(id: string, statuses: string[]): void {
    this.scripts.set(id, statuses);
  }

  instanceFields(id: string): Fields | undefined {
    return this.instances.get(id)?.fields;
  }

  clusterFields(id: string): Fields | undefined {
    return this.clusters.get(id)?.fields;
  }

  private handlers(): Record<string, (p: QueryParams) => Record<string, unknown>> {
    return {
      DescribeDBInstances: (p) => ({ DBInstances: this.describe(this.instances, str(p.DBInstanceIdentifier), 'DBInstanceNotFound', (r, s) => this.instanceView(r, s)) }),
      DescribeDBClusters: (p) => ({ DBClusters: this.describe(this.clusters, str(p.DBClusterIdentifier), 'DBClusterNotFoundFault', (r, s) => this.clusterView(r, s)) }),
      DescribeDBInstanceAutomatedBackups: (p) => this.automatedBackups(p),
      DescribeDBSnapshots: (p) => ({
        DBSnapshots: this.snapshots.filter((s) => !p.DBInstanceIdentifier || s.DBInstanceIdentifier === p.DBInstanceIdentifier),
      }),
      DescribeDBClusterSnapshots: (p) => ({
        DBClusterSnapshots: this.clusterSnapshots.filter((s) => !p.DBClusterIdentifier || s.DBClusterIdentifier === p.DBClusterIdentifier),
      }),
      RestoreDBInstanceToPointInTime: (p) => this.restoreInstance(p, str(p.TargetDBInstanceIdentifier), this.pitrSource(p)),
      RestoreDBInstanceFromDBSnapshot: (p) => {
        const snap = this.snapshots.find((s) => s.DBSnapshotIdentifier === p.DBSnapshotIdentifier);
        if (!snap) throw new FakeAwsError('DBSnapshotNotFound', `DBSnapshot ${String(p.DBSnapshotIdentifier)} not found.`, 404);
        return this.restoreInstance(p, str(p.DBInstanceIdentifier), this.instances.get(String(snap.DBInstanceIdentifier))?.fields ?? {});
      },
      RestoreDBClusterToPointInTime: (p) => this.restoreCluster(p),
      RestoreDBClusterFromSnapshot: (p) => this.restoreCluster(p),
      CreateDBInstance: (p) => this.createClusterInstance(p),
      AddTagsToResource: (p) => {
        const r = this.byArn(String(p.ResourceName));
        const add = list(p.Tags) as { Key: string; Value?: string }[];
        const kept = list(r.fields.TagList).filter((t) => !add.some((a) => a.Key === (t as { Key: string }).Key));
        r.fields.TagList = [...kept, ...add];
        return {};
      },
      RemoveTagsFromResource: (p) => {
        const r = this.byArn(String(p.ResourceName));
        const keys = list(p.TagKeys);
        r.fields.TagList = list(r.fields.TagList).filter((t) => !keys.includes((t as { Key: string }).Key));
        return {};
      },
      ModifyDBInstance: (p) => {
        const id = String(p.DBInstanceIdentifier);
        const r = this.mustFind(this.instances, id, 'DBInstanceNotFound');
        if (r.status !== 'available') throw new FakeAwsError('InvalidDBInstanceState', 'Database instance is not in available state.');
        if (p.DeletionProtection !== undefined) {
          if (r.fields.DBClusterIdentifier !== undefined) {
            throw new FakeAwsError('InvalidParameterCombination', 'Deletion Protection can only be applied on the Cluster level, not for individual instances');
          }
          r.fields.DeletionProtection = bool(p.DeletionProtection);
        }
        return { DBInstance: this.instanceView(r, r.status) };
      },
      ModifyDBCluster: (p) => {
        const id = String(p.DBClusterIdentifier);
        const r = this.mustFind(this.clusters, id, 'DBClusterNotFoundFault');
        if (r.status !== 'available') throw new FakeAwsError('InvalidDBClusterStateFault', `DB cluster ${id} is not in available state (${r.status}).`);
        if (p.DeletionProtection !== undefined) r.fields.DeletionProtection = bool(p.DeletionProtection);
        return { DBCluster: this.clusterView(r, r.status) };
      },
      DeleteDBInstance: (p) => {
        const r = this.mustFind(this.instances, String(p.DBInstanceIdentifier), 'DBInstanceNotFound');
        if (r.status === 'deleting') throw new FakeAwsError('InvalidDBInstanceState', 'Instance is already being deleted.');
        if (r.fields.DeletionProtection === true) {
          throw new FakeAwsError('InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
        }
        r.setScript(['deleting']);
        r.deleted = true;
        return { DBInstance: r.fields };
      },
      DeleteDBCluster: (p) => {
        const id = String(p.DBClusterIdentifier);
        const r = this.mustFind(this.clusters, id, 'DBClusterNotFoundFault');
        if (r.fields.DeletionProtection === true) {
          throw new FakeAwsError('InvalidParameterCombination', 'Cannot delete protected Cluster, please disable deletion protection and try again.');
        }
        const busy = [...this.instances.values()].filter((i) => i.fields.DBClusterIdentifier === id && i.status !== 'deleting');
        if (busy.length > 0) throw new FakeAwsError('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
        r.setScript(['deleting']);
        r.deleted = true;
        return { DBCluster: r.fields };
      },
    };
  }

  private describe(map: Map<string, FakeResource>, id: string | undefined, notFound: string, view: (r: FakeResource, status: string) => Fields): Fields[] {
    const entries = id === undefined ? [...map.entries()] : [[id, this.mustFind(map, id, notFound)] as const];
    const out: Fields[] = [];
    for (const [key, r] of entries) {
      if (r.deleted && r.status === 'deleting' && this.wasShownDeleting(r)) {
        map.delete(key);
        if (id !== undefined) throw new FakeAwsError(notFound, `${key} not found.`, 404);
        continue;
      }
      out.push(view(r, r.advance()));
    }
    return out;
  }

  private readonly shownDeleting = new WeakSet<FakeResource>();
  private wasShownDeleting(r: FakeResource): boolean {
    if (this.shownDeleting.has(r)) return true;
    this.shownDeleting.add(r);
    return false;
  }

  private instanceView(r: FakeResource, status: string): Fields {
    const endpoint = status === 'available' ? { Endpoint: { Address: `${String(r.fields.DBInstanceIdentifier)}.fake-rds.local`, Port: 5432 } } : {};
    return { DBInstanceArn: `arn:aws:rds:eu-west-1:123456789012:db:${String(r.fields.DBInstanceIdentifier)}`, ...r.fields, DBInstanceStatus: status, ...endpoint };
  }

  private clusterView(r: FakeResource, status: string): Fields {
    const id = String(r.fields.DBClusterIdentifier);
    const members = [...this.instances.values()]
      .filter((i) => i.fields.DBClusterIdentifier === id)
      .map((i, n) => ({ DBInstanceIdentifier: i.fields.DBInstanceIdentifier, IsClusterWriter: n === 0 }));
    return { DBClusterArn: `arn:aws:rds:eu-west-1:123456789012:cluster:${id}`, Endpoint: `${id}.cluster-fake.rds.local`, Port: 5432, ...r.fields, Status: status, DBClusterMembers: members };
  }

  /** Resources are tagged by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `:cluster:<id>`). */
  private byArn(arn: string): FakeResource {
    const m = /^arn:aws:rds:[^:]+:\d+:(db|cluster):(.+)$/.exec(arn);
    const r = m ? (m[1] === 'db' ? this.instances : this.clusters).get(m[2] ?? '') : undefined;
    if (!r) throw new FakeAwsError(m?.[1] === 'cluster' ? 'DBClusterNotFoundFault' : 'DBInstanceNotFound', `${arn} not found.`, 404);
    return r;
  }

  private mustFind(map: Map<string, FakeResource>, id: string, code: string): FakeResource {
    const r = map.get(id);
    if (!r) throw new FakeAwsError(code, `${id} not found.`, 404);
    return r;
  }

  private automatedBackups(p: QueryParams): Record<string, unknown> {
    const found = [...this.instances.values()].filter(
      (r) => (p.DbiResourceId ? r.fields.DbiResourceId === p.DbiResourceId : r.fields.DBInstanceIdentifier === p.DBInstanceIdentifier) && this.earliest.has(String(r.fields.DBInstanceIdentifier)),
    );
    if (found.length === 0) throw new FakeAwsError('DBInstanceAutomatedBackupNotFound', 'No automated backup found.', 404);
    return {
      DBInstanceAutomatedBackups: found.map((r) => ({
        DBInstanceIdentifier: r.fields.DBInstanceIdentifier,
        DbiResourceId: r.fields.DbiResourceId,
        Status: 'active',
        RestoreWindow: { EarliestTime: this.earliest.get(String(r.fields.DBInstanceIdentifier)), LatestTime: r.fields.LatestRestorableTime },
      })),
    };
  }

  private pitrSource(p: QueryParams): Fields {
    const src = this.mustFind(this.instances, String(p.SourceDBInstanceIdentifier), 'DBInstanceNotFound').fields;
    const earliest = this.earliest.get(String(src.DBInstanceIdentifier));
    if (!earliest) throw new FakeAwsError('PointInTimeRestoreNotEnabled', 'Point-in-time restore is not enabled.');
    const at = p.RestoreTime ? new Date(String(p.RestoreTime)) : undefined;
    const latest = src.LatestRestorableTime as Date;
    if (at && (at < earliest || at > latest)) throw new FakeAwsError('InvalidRestoreFault', 'Restore time is outside the restorable window.');
    return src;
  }

  private restoreInstance(p: QueryParams, id: string | undefined, src: Fields): Record<string, unknown> {
    if (!id) throw new FakeAwsError('InvalidParameterValue', 'The instance identifier is missing.');
    if (this.instances.has(id)) throw new FakeAwsError('DBInstanceAlreadyExists', `DB instance already exists: ${id}`);
    const fields: Fields = {
      DBInstanceIdentifier: id,
      DbiResourceId: `db-${randomBytes(6).toString('hex')}`,
      Engine: src.Engine,
      EngineVersion: src.EngineVersion,
      DBName: src.DBName,
      DBInstanceClass: p.DBInstanceClass ?? src.DBInstanceClass,
      MultiAZ: bool(p.MultiAZ) ?? false,
      StorageType: p.StorageType ?? 'gp2',
      DeletionProtection: bool(p.DeletionProtection) ?? false,
      PubliclyAccessible: bool(p.PubliclyAccessible) ?? false,
      DBSubnetGroup: { DBSubnetGroupName: p.DBSubnetGroupName ?? 'default' },
      VpcSecurityGroups: (p.VpcSecurityGroupIds ? list(p.VpcSecurityGroupIds) : ['sg-default-vpc']).map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
      DBParameterGroups: [{ DBParameterGroupName: p.DBParameterGroupName ?? 'default.postgres16', ParameterApplyStatus: 'in-sync' }],
      TagList: list(p.Tags),
      InstanceCreateTime: new Date(),
      BackupRetentionPeriod: 1,
      RestoreParams: { RestoreTime: p.RestoreTime, UseLatestRestorableTime: p.UseLatestRestorableTime, DBSnapshotIdentifier: p.DBSnapshotIdentifier },
    };
    this.instances.set(id, new FakeResource(fields, this.scripts.get(id) ?? ['creating', 'backing-up', 'available']));
    return { DBInstance: fields };
  }

  private restoreCluster(p: QueryParams): Record<string, unknown> {
    const id = String(p.DBClusterIdentifier);
    const src = p.SourceDBClusterIdentifier ? this.mustFind(this.clusters, String(p.SourceDBClusterIdentifier), 'DBClusterNotFoundFault').fields : {};
    if (this.clusters.has(id)) throw new FakeAwsError('DBClusterAlreadyExistsFault', `DB cluster already exists: ${id}`);
    const fields: Fields = {
      DBClusterIdentifier: id,
      Engine: p.Engine ?? src.Engine,
      DatabaseName: src.DatabaseName,
      DBSubnetGroup: p.DBSubnetGroupName ?? 'default',
      VpcSecurityGroups: (p.VpcSecurityGroupIds ? list(p.VpcSecurityGroupIds) : ['sg-default-vpc']).map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
      DBClusterParameterGroup: p.DBClusterParameterGroupName ?? 'default.aurora-postgresql16',
      DeletionProtection: bool(p.DeletionProtection) ?? false,
      TagList: list(p.Tags),
      ClusterCreateTime: new Date(),
      RestoreParams: { RestoreType: p.RestoreType, RestoreToTime: p.RestoreToTime, UseLatestRestorableTime: p.UseLatestRestorableTime, SnapshotIdentifier: p.SnapshotIdentifier },
    };
    this.clusters.set(id, new FakeResource(fields, this.scripts.get(id) ?? ['creating', 'creating', 'available']));
    return { DBCluster: fields };
  }

  private createClusterInstance(p: QueryParams): Record<string, unknown> {
    const id = String(p.DBInstanceIdentifier);
    const clusterId = String(p.DBClusterIdentifier);
    const cluster = this.mustFind(this.clusters, clusterId, 'DBClusterNotFoundFault');
    if (cluster.status !== 'available') throw new FakeAwsError('InvalidDBClusterStateFault', `DB cluster ${clusterId} is not in available state (${cluster.status}).`);
    if (this.instances.has(id)) throw new FakeAwsError('DBInstanceAlreadyExists', `DB instance already exists: ${id}`);
    const fields: Fields = {
      DBInstanceIdentifier: id,
      DBClusterIdentifier: clusterId,
      Engine: p.Engine,
      DBInstanceClass: p.DBInstanceClass,
      DBParameterGroups: p.DBParameterGroupName ? [{ DBParameterGroupName: p.DBParameterGroupName }] : undefined,
      TagList: list(p.Tags),
      InstanceCreateTime: new Date(),
    };
    this.instances.set(id, new FakeResource(fields, this.scripts.get(id) ?? ['creating', 'available']));
    return { DBInstance: fields };
  }
}
