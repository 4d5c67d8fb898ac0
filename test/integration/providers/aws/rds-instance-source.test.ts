import { FakeRds } from '../../../fakes/aws-rds';
import { RdsInstanceRecoverySource } from '../../../../src/providers/aws/rds-instance-source';
import type { PollResult, ResourceRef } from '../../../../src/providers/ports';
import { RewindError } from '../../../../src/recovery/errors';
import { addSourceInstance, awsOptions, LATEST, NOW, runTags, T0 } from './rds-fixtures';

let fake: FakeRds;
let source: RdsInstanceRecoverySource;

beforeEach(async () => {
  fake = await FakeRds.start();
  addSourceInstance(fake);
  source = new RdsInstanceRecoverySource({ rds: awsOptions(fake.url), sourceInstanceId: 'orders', pollIntervalMs: 10, now: () => NOW });
});
afterEach(() => fake.close());

async function pollUntilDone(ref: ResourceRef, max = 10): Promise<PollResult[]> {
  const seen: PollResult[] = [];
  for (let i = 0; i < max; i++) {
    const r = await source.poll(ref);
    seen.push(r);
    if (r.state !== 'pending') return seen;
  }
  return seen;
}

async function rejection(p: Promise<unknown>): Promise<RewindError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RewindError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('RdsInstanceRecoverySource', () => {
  it('describes the window from the instance and its automated backups, backups newest first', async () => {
    const d = await source.describe();
    expect(d.engine).toBe('postgres');
    expect(d.window).toEqual({ earliest: T0, latest: LATEST });
    expect(d.backups.map((b) => b.id)).toEqual(['rds:orders-2025-03-08', 'rds:orders-2025-03-07', 'manual-broken']);
    expect(d.backups[2]).toMatchObject({ valid: false, note: 'snapshot status is failed' });
  });

  it('refuses a source a cutover replaced, naming the instance that run restored', async () => {
    const fields = fake.instanceFields('orders') ?? {};
    fields.TagList = [{ Key: 'rewind-retained-role', Value: 'replaced' }, { Key: 'rewind-retained-by', Value: 'r-7' }, { Key: 'rewind-retain-until', Value: '2025-03-11T12:00:00Z' }];
    fake.addInstance('orders-dr-7', { Engine: 'postgres', TagList: [{ Key: 'managed-by', Value: 'rewind' }, { Key: 'rewind-run', Value: 'r-7' }] });
    const err = await rejection(source.describe());
    expect(err.code).toBe('SOURCE_REPLACED');
    expect(err.userMessage).toBe(
      'orders was replaced by orders-dr-7 in run r-7; restoring it would lose every write since that cutover. ' +
        'Update source.instanceId in rewind.yml to orders-dr-7 (and restart Rewind), or remove the rewind-retained-role tag from orders if you rolled back by hand.',
    );
    // without the restored instance, the run is still named
    fake.instances.delete('orders-dr-7');
    expect((await rejection(source.describe())).userMessage).toContain('orders was replaced by the database run r-7 restored in run r-7');
  });

  it('restores to a point in time, copying network, parameters and tags, and polls to available', async () => {
    const at = new Date('2025-03-08T10:02:00Z');
    const ref = await source.startRestore({ target: { kind: 'time', at }, name: 'orders-dr-42', tags: runTags('42') });
    expect(ref).toMatchObject({ provider: 'aws-rds-instance', id: 'orders-dr-42', runId: '42' });

    const restore = fake.server.calls.find((c) => c.action === 'RestoreDBInstanceToPointInTime');
    expect(restore?.params).toMatchObject({
      SourceDBInstanceIdentifier: 'orders',
      TargetDBInstanceIdentifier: 'orders-dr-42',
      RestoreTime: '2025-03-08T10:02:00Z',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-app', 'sg-admin'],
      DBParameterGroupName: 'orders-pg16',
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: 'true',
      StorageType: 'gp3',
      DeletionProtection: 'true',
    });
    const tags = Object.fromEntries((restore?.params.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({ team: 'shop', 'managed-by': 'rewind', 'rewind-run': '42', 'rewind-db': 'orders' });

    const polls = await pollUntilDone(ref);
    expect(polls.map((p) => (p.state === 'pending' ? p.detail : p.state))).toEqual([
      'instance orders-dr-42: creating',
      'instance orders-dr-42: backing-up',
      'available',
    ]);
    expect(polls.at(-1)).toEqual({
      state: 'available',
      endpoint: { host: 'orders-dr-42.fake-rds.local', port: 5432, database: 'orders' },
      detail: 'instance orders-dr-42 is available',
    });
    expect(polls[0]).toMatchObject({ retryAfterMs: 10 });
  });

  it('restores the latest restorable time and from a snapshot', async () => {
    await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-1', tags: runTags('1') });
    await source.startRestore({ target: { kind: 'backup', backupId: 'rds:orders-2025-03-08' }, name: 'orders-dr-2', tags: runTags('2') });
    expect(fake.server.calls.find((c) => c.action === 'RestoreDBInstanceToPointInTime')?.params).toMatchObject({ UseLatestRestorableTime: 'true' });
    expect(fake.server.calls.find((c) => c.action === 'RestoreDBInstanceFromDBSnapshot')?.params).toMatchObject({
      DBInstanceIdentifier: 'orders-dr-2',
      DBSnapshotIdentifier: 'rds:orders-2025-03-08',
      DBSubnetGroupName: 'private-db',
    });
  });

  it('refuses a target outside the window before any creating call, and shows the window', async () => {
    const err = await rejection(source.startRestore({ target: { kind: 'time', at: new Date('2025-02-20T00:00:00Z') }, name: 'orders-dr-7', tags: runTags('7') }));
    expect(err.code).toBe('TARGET_OUTSIDE_WINDOW');
    expect(err.retryable).toBe(false);
    expect(err.userMessage).toContain('2025-03-01T00:00:00.000Z to 2025-03-08T11:55:00.000Z');
    expect(fake.server.mutatingCalls()).toEqual([]);

    const later = await rejection(source.startRestore({ target: { kind: 'time', at: new Date('2025-03-08T11:58:00Z') }, name: 'orders-dr-7', tags: runTags('7') }));
    expect(later).toMatchObject({ code: 'TARGET_NOT_YET_RESTORABLE', retryable: true });
    expect(fake.server.mutatingCalls()).toEqual([]);
  });

  it('turns throttling into a retryable error, then succeeds', async () => {
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-3', tags: runTags('3') });
    fake.server.throttle('DescribeDBInstances', 2);
    const errors: RewindError[] = [];
    let result: PollResult | undefined;
    for (let i = 0; i < 10 && result?.state !== 'available'; i++) {
      try {
        result = await source.poll(ref);
      } catch (err) {
        if (!(err instanceof RewindError)) throw err;
        errors.push(err);
      }
    }
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([
      ['AWS_THROTTLED', true],
      ['AWS_THROTTLED', true],
    ]);
    expect(result?.state).toBe('available');
  });

  it('explains InvalidRestore from AWS', async () => {
    fake.server.failNext('RestoreDBInstanceToPointInTime', 'InvalidRestoreFault', 'The source instance has a missing transaction log.');
    const err = await rejection(source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-4', tags: runTags('4') }));
    expect(err).toMatchObject({ code: 'INVALID_RESTORE', retryable: false });
    expect(err.userMessage).toContain('restore orders into orders-dr-4');
    expect(err.userMessage).toContain('missing transaction log');
  });

  it('reports an instance that ends in incompatible-network as failed with the cause', async () => {
    fake.scriptFor('orders-dr-5', ['creating', 'incompatible-network']);
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-5', tags: runTags('5') });
    const last = (await pollUntilDone(ref)).at(-1);
    expect(last?.state).toBe('failed');
    expect(last?.state === 'failed' && last.reason).toMatch(/incompatible-network.*subnet group has no free IP addresses/);
  });

  it('adopts an existing instance tagged for this run without creating anything', async () => {
    await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-6', tags: runTags('6') });
    const before = fake.server.mutatingCalls().length;
    const again = await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-6', tags: runTags('6') });
    expect(again).toMatchObject({ id: 'orders-dr-6', runId: '6', adopted: true });
    expect(fake.server.mutatingCalls().length).toBe(before);
  });

  it('adopts on DBInstanceAlreadyExists when the instance appeared after the lookup', async () => {
    fake.server.beforeNext('RestoreDBInstanceToPointInTime', () =>
      fake.addInstance('orders-dr-8', { TagList: [{ Key: 'managed-by', Value: 'rewind' }, { Key: 'rewind-run', Value: '8' }] }, { script: ['creating'] }),
    );
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-8', tags: runTags('8') });
    expect(ref).toMatchObject({ adopted: true });
    expect(fake.server.calls.find((c) => c.action === 'RestoreDBInstanceToPointInTime')?.error).toBe('DBInstanceAlreadyExists');
  });

  it('refuses an existing instance with foreign tags', async () => {
    fake.addInstance('orders-dr-9', { TagList: [{ Key: 'managed-by', Value: 'rewind' }, { Key: 'rewind-run', Value: 'other' }] });
    fake.addInstance('orders-copy', { TagList: [{ Key: 'team', Value: 'shop' }] });
    const other = await rejection(source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-9', tags: runTags('9') }));
    expect(other.code).toBe('RESTORE_TARGET_TAKEN');
    expect(other.userMessage).toContain('belongs to Rewind run other, not to this run (9)');
    const unmanaged = await rejection(source.startRestore({ target: { kind: 'latest' }, name: 'orders-copy', tags: runTags('9') }));
    expect(unmanaged.userMessage).toContain('was not created by Rewind');
    expect(fake.server.mutatingCalls()).toEqual([]);
  });

  it('discards only what carries this run’s tags; a missing instance is success', async () => {
    fake.addInstance('orders', { TagList: [] }); // production, untagged
    const refused = await rejection(source.discard({ provider: 'aws-rds-instance', id: 'orders', runId: '10' }));
    expect(refused.code).toBe('DISCARD_REFUSED');
    fake.addInstance('orders-dr-x', { TagList: [{ Key: 'managed-by', Value: 'rewind' }, { Key: 'rewind-run', Value: 'someone-else' }] });
    await expect(source.discard({ provider: 'aws-rds-instance', id: 'orders-dr-x', runId: '10' })).rejects.toMatchObject({ code: 'DISCARD_REFUSED' });
    expect(fake.server.mutatingCalls()).toEqual([]);

    const sandbox = new RdsInstanceRecoverySource({
      rds: awsOptions(fake.url),
      sourceInstanceId: 'orders-dr-x', // any source; discard only looks at the ref
      overrides: { deletionProtection: false },
    });
    fake.addInstance('orders-dr-10', { DeletionProtection: false, TagList: [{ Key: 'managed-by', Value: 'rewind' }, { Key: 'rewind-run', Value: '10' }] });
    await sandbox.discard({ provider: 'aws-rds-instance', id: 'orders-dr-10', runId: '10' });
    expect(fake.server.calls.find((c) => c.action === 'DeleteDBInstance')?.params).toMatchObject({
      DBInstanceIdentifier: 'orders-dr-10',
      SkipFinalSnapshot: 'true',
      DeleteAutomatedBackups: 'true',
    });
    await sandbox.discard({ provider: 'aws-rds-instance', id: 'orders-dr-10', runId: '10' }); // deleting: nothing more
    await sandbox.discard({ provider: 'aws-rds-instance', id: 'orders-dr-10', runId: '10' }); // gone: success
    expect(fake.server.count('DeleteDBInstance')).toBe(1);
  });

  const tagged = (run: string) => [
    { Key: 'managed-by', Value: 'rewind' },
    { Key: 'rewind-run', Value: run },
  ];
  const protectionOf = (id: string) => fake.instanceFields(id)?.DeletionProtection;
  const callsOn = (id: string) => fake.server.mutatingCalls().filter((c) => c.params.DBInstanceIdentifier === id);

  it('turns off the deletion protection copied from the source on its own copy, then deletes it; repeating is harmless', async () => {
    // a production copy: the restore copied DeletionProtection=true from the source
    const ref = await source.startRestore({ target: { kind: 'latest' }, name: 'orders-dr-11', tags: runTags('11') });
    await pollUntilDone(ref);
    expect(protectionOf('orders-dr-11')).toBe(true);
    await source.discard(ref);
    const calls = fake.server.mutatingCalls().filter((c) => c.action !== 'RestoreDBInstanceToPointInTime');
    expect(calls.map((c) => [c.action, c.params.DBInstanceIdentifier, c.error ?? 'ok'])).toEqual([
      ['ModifyDBInstance', 'orders-dr-11', 'ok'],
      ['DeleteDBInstance', 'orders-dr-11', 'ok'],
    ]);
    expect(calls[0]?.params).toEqual(expect.objectContaining({ DeletionProtection: 'false', ApplyImmediately: 'true' }));
    expect(protectionOf('orders-dr-11')).toBe(false);
    await source.discard(ref); // deleting: nothing more
    await source.discard(ref); // gone: success
    expect(fake.server.count('ModifyDBInstance')).toBe(1);
    expect(fake.server.count('DeleteDBInstance')).toBe(1);
    // the source was only read
    expect(callsOn('orders')).toEqual([]);
    expect(protectionOf('orders')).toBe(true);
  });

  it('refuses a protected instance of another run, one without Rewind’s tags, and the configured source, changing nothing', async () => {
    fake.addInstance('orders-dr-12', { DeletionProtection: true, TagList: tagged('someone-else') });
    fake.addInstance('orders-copy', { DeletionProtection: true, TagList: [{ Key: 'team', Value: 'shop' }] });
    const other = await rejection(source.discard({ provider: 'aws-rds-instance', id: 'orders-dr-12', runId: '12' }));
    expect(other).toMatchObject({ code: 'DISCARD_REFUSED', retryable: false });
    expect(other.userMessage).toContain('tagged for Rewind run someone-else, not this run (12)');
    const untagged = await rejection(source.discard({ provider: 'aws-rds-instance', id: 'orders-copy', runId: '12' }));
    expect(untagged.userMessage).toContain('lacks the managed-by=rewind tag');
    // even a source that carries this run's tags is never a copy to discard
    (fake.instanceFields('orders') ?? {}).TagList = tagged('12');
    const src = await rejection(source.discard({ provider: 'aws-rds-instance', id: 'orders', runId: '12' }));
    expect(src).toMatchObject({ code: 'DISCARD_REFUSED', userMessage: expect.stringContaining('it is the source this database restores from') });
    expect(fake.server.mutatingCalls()).toEqual([]);
    for (const id of ['orders-dr-12', 'orders-copy', 'orders']) expect(protectionOf(id)).toBe(true);
  });

  it('resumes when RDS has not applied the lifted protection yet, or the copy is busy, with a retryable error', async () => {
    fake.addInstance('orders-dr-13', { DeletionProtection: true, TagList: tagged('13') });
    const ref = { provider: 'aws-rds-instance', id: 'orders-dr-13', runId: '13' };
    fake.server.failNext('DeleteDBInstance', 'InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
    const settling = await rejection(source.discard(ref));
    expect(settling).toMatchObject({ code: 'DISCARD_PENDING', retryable: true });
    expect(settling.userMessage).toBe(
      'RDS instance orders-dr-13, which this run created, still has deletion protection on (copied from its source); Rewind is turning it off and will try the delete again once RDS has applied that.',
    );
    await source.discard(ref); // protection is off now: no second modify, just the delete
    expect(callsOn('orders-dr-13').map((c) => [c.action, c.error ?? 'ok'])).toEqual([
      ['ModifyDBInstance', 'ok'],
      ['DeleteDBInstance', 'InvalidParameterCombination'],
      ['DeleteDBInstance', 'ok'],
    ]);

    // still 'modifying' (e.g. another change in flight): RDS refuses the modify; retry later
    fake.addInstance('orders-dr-14', { DeletionProtection: true, TagList: tagged('14') }, { script: ['modifying', 'available'] });
    const busyRef = { provider: 'aws-rds-instance', id: 'orders-dr-14', runId: '14' };
    const busy = await rejection(source.discard(busyRef));
    expect(busy).toMatchObject({ code: 'DISCARD_PENDING', retryable: true, detail: expect.objectContaining({ retryAfterMs: expect.any(Number) }) });
    expect(busy.userMessage).toContain('Could not turn off the deletion protection of RDS instance orders-dr-14 (a copy this run created) right now: the database is busy');
    expect(callsOn('orders-dr-14').map((c) => c.action)).toEqual(['ModifyDBInstance']);
    await source.discard(busyRef);
    expect(callsOn('orders-dr-14').map((c) => [c.action, c.error ?? 'ok'])).toEqual([
      ['ModifyDBInstance', 'InvalidDBInstanceState'],
      ['ModifyDBInstance', 'ok'],
      ['DeleteDBInstance', 'ok'],
    ]);
  });

  it('does not wait on a protected copy stuck in a terminal state: says which state and how to turn the protection off by hand', async () => {
    for (const [n, status] of ['failed', 'incompatible-network', 'incompatible-parameters', 'incompatible-restore', 'inaccessible-encryption-credentials', 'storage-full'].entries()) {
      const id = `orders-dr-s${n}`;
      fake.addInstance(id, { DeletionProtection: true, TagList: tagged(`r-s${n}`) }, { script: [status] });
      const stuck = await rejection(source.discard({ provider: 'aws-rds-instance', id, runId: `r-s${n}` }));
      expect(stuck).toMatchObject({ code: 'DISCARD_STUCK', retryable: false });
      expect(stuck.detail).toMatchObject({ name: id, status });
      expect(stuck.detail?.retryAfterMs).toBeUndefined();
      expect(stuck.userMessage).toContain(`RDS instance ${id}, which this run created, is ${status}`);
      expect(stuck.userMessage).toContain(`aws rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection --apply-immediately --region eu-west-1`);
      expect(stuck.userMessage).toContain(`/dr abort r-s${n}`);
    }
    expect(fake.server.mutatingCalls()).toEqual([]);

    // once a person has turned the protection off, the next discard deletes it
    (fake.instanceFields('orders-dr-s0') ?? {}).DeletionProtection = false;
    await source.discard({ provider: 'aws-rds-instance', id: 'orders-dr-s0', runId: 'r-s0' });
    expect(callsOn('orders-dr-s0').map((c) => [c.action, c.error ?? 'ok'])).toEqual([['DeleteDBInstance', 'ok']]);
  });

  it('deletes an unprotected copy in a terminal state, without a final snapshot', async () => {
    fake.addInstance('orders-dr-16', { DeletionProtection: false, TagList: tagged('r-16') }, { script: ['incompatible-restore'] });
    await source.discard({ provider: 'aws-rds-instance', id: 'orders-dr-16', runId: 'r-16' });
    expect(callsOn('orders-dr-16').map((c) => [c.action, c.error ?? 'ok'])).toEqual([['DeleteDBInstance', 'ok']]);
    expect(callsOn('orders-dr-16')[0]?.params).toMatchObject({ SkipFinalSnapshot: 'true', DeleteAutomatedBackups: 'true' });
  });

  it('says so when its AWS identity may not turn the protection off', async () => {
    fake.addInstance('orders-dr-15', { DeletionProtection: true, TagList: tagged('15') });
    fake.server.failNext('ModifyDBInstance', 'AccessDenied', 'User is not authorized to perform: rds:ModifyDBInstance');
    const denied = await rejection(source.discard({ provider: 'aws-rds-instance', id: 'orders-dr-15', runId: '15' }));
    expect(denied).toMatchObject({ code: 'AWS_ACCESS_DENIED', retryable: false });
    expect(denied.userMessage).toContain('not allowed to turn off the deletion protection of RDS instance orders-dr-15');
    expect(fake.server.count('DeleteDBInstance')).toBe(0);
  });
});
