import { appendAudit, auditTrail } from '../../../src/persistence/audit-log';
import type { ResourceRetention } from '../../../src/providers/ports';
import { RetentionService, type RetainedRef, type RetentionAuditEvent } from '../../../src/recovery/retention-service';
import { addSourceInstance } from '../providers/aws/rds-fixtures';
import { startAwsWorld, type AwsWorld } from './aws-world';

const HOUR = 3_600_000;
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Old instances are kept, offered for deletion when due, and deleted only on a recorded click, only with Rewind's tags. */
describe('AWS path: retention of replaced instances', () => {
  let w: AwsWorld;
  let retention: ResourceRetention;
  const events: RetentionAuditEvent[] = [];
  let clock = Date.now();
  let service: RetentionService;
  const deletes = () => w.rds.server.calls.filter((c) => c.action.startsWith('Delete'));
  const tagsOf = (id: string) => Object.fromEntries(((w.rds.instanceFields(id)?.TagList ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));

  beforeAll(async () => {
    w = await startAwsWorld();
    addSourceInstance(w.rds, 'orders');
    const past = new Date(Date.now() - 10 * HOUR).toISOString();
    w.rds.addInstance('unrelated', { Engine: 'postgres', TagList: tagList({ team: 'shop' }) });
    w.rds.addInstance('half-tagged', { Engine: 'postgres', TagList: tagList({ 'rewind-retain-until': past }) });
    w.rds.addInstance('restored-not-ours', {
      Engine: 'postgres',
      TagList: tagList({ 'rewind-retain-until': past, 'rewind-retained-by': 'r-x', 'rewind-retained-role': 'restored', 'rewind-database': 'orders' }),
    });
    w.rds.addInstance('orders-dr-old', {
      Engine: 'postgres',
      TagList: tagList({ 'managed-by': 'rewind', 'rewind-run': 'r-old', 'rewind-database': 'orders' }),
    });
    retention = w.register('orders', { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' } }).providers.retention as ResourceRetention;
    service = new RetentionService({
      databases: ['orders'],
      providers: (db) => w.providers.get(db) ?? { source: undefined as never, cutovers: [], healthChecks: [] },
      audit: async (e) => {
        events.push(e);
        await appendAudit(w.h.pool, e);
      },
      now: () => new Date(clock),
    });
  });
  afterAll(async () => w.close());

  it('tags the replaced instance and the rolled-back restore, and lists only what carries all of Rewind\'s tags', async () => {
    await retention.retainReplaced('r-cutover1', new Date(Date.now() + 72 * HOUR));
    await retention.retainRestored({ provider: 'aws-rds-instance', id: 'orders-dr-old', runId: 'r-old' }, 'r-old', new Date(Date.now() + 24 * HOUR));
    await expect(retention.retainRestored({ provider: 'aws-rds-instance', id: 'unrelated' }, 'r-old', new Date())).rejects.toMatchObject({ code: 'RETAIN_REFUSED' });
    const listed = await retention.listRetained();
    expect(listed.map((r) => [r.id, r.role, r.retainedBy]).sort()).toEqual([
      ['orders', 'replaced', 'r-cutover1'],
      ['orders-dr-old', 'restored', 'r-old'],
    ]);
    expect(deletes()).toEqual([]);
  });

  it('asks about nothing before the retention is over, and refuses an early click', async () => {
    clock = Date.now();
    expect(await service.pendingDeletions()).toEqual([]);
    await expect(service.approveDeletion({ database: 'orders', id: 'orders' }, 'U0APPROVER1')).rejects.toMatchObject({ code: 'RETENTION_NOT_OVER' });
    expect(deletes()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('lists what is due, refuses resources without Rewind\'s tags and protected ones, and deletes nothing by itself', async () => {
    clock = Date.now() + 73 * HOUR;
    expect((await service.pendingDeletions()).map((p) => [p.id, p.role, p.database])).toEqual([
      ['orders-dr-old', 'restored', 'orders'],
      ['orders', 'replaced', 'orders'],
    ]);
    for (const id of ['unrelated', 'half-tagged', 'restored-not-ours']) {
      await expect(service.approveDeletion({ database: 'orders', id }, 'U0APPROVER1')).rejects.toMatchObject({ code: 'RETAINED_NOT_FOUND' });
      await expect(retention.deleteRetained({ provider: 'aws-rds-instance', id }, new Date(clock))).rejects.toMatchObject({ code: 'DELETE_REFUSED' });
    }
    expect(events).toEqual([]);
    // the replaced production instance has deletion protection (copied from reality): refused, not forced
    await expect(service.approveDeletion({ database: 'orders', id: 'orders' }, 'U0APPROVER1')).rejects.toMatchObject({
      code: 'DELETE_PROTECTED',
      userMessage: expect.stringContaining('turn it off (aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection) and approve the deletion again'),
    });
    expect(deletes()).toEqual([]);
    // the click is on the trail, and so is why nothing happened
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['retention.deletion_approved', 'U0APPROVER1'],
      ['retention.deletion_failed', 'rewind'],
    ]);
  });

  it('deletes only after a recorded click, keeping a final snapshot', async () => {
    const fields = w.rds.instanceFields('orders');
    if (fields) fields.DeletionProtection = false;
    let approvalRecordedFirst = false;
    w.rds.server.beforeNext('DeleteDBInstance', () => {
      approvalRecordedFirst = events.some((e) => e.action === 'retention.deletion_approved' && e.detail.id === 'orders');
    });
    const res = await service.approveDeletion({ database: 'orders', id: 'orders' }, 'U0APPROVER1');
    expect(approvalRecordedFirst).toBe(true);
    expect(res.finalSnapshot).toMatch(/^orders-rewind-final-\d{12}$/);
    expect(deletes()).toEqual([
      expect.objectContaining({ action: 'DeleteDBInstance', params: expect.objectContaining({ DBInstanceIdentifier: 'orders', SkipFinalSnapshot: 'false', FinalDBSnapshotIdentifier: res.finalSnapshot }) }),
    ]);
    const trail = await auditTrail(w.h.pool, 'r-cutover1');
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['retention.deletion_approved', 'U0APPROVER1'],
      ['retention.deletion_failed', 'rewind'],
      ['retention.deletion_approved', 'U0APPROVER1'],
      ['retention.deleted', 'rewind'],
    ]);
    expect(trail[3]?.detail).toMatchObject({ approvedBy: 'U0APPROVER1', id: 'orders', finalSnapshot: res.finalSnapshot });
    // a second click finds nothing left to delete
    await expect(service.approveDeletion({ database: 'orders', id: 'orders' }, 'U0APPROVER1')).rejects.toMatchObject({ code: 'RETAINED_NOT_FOUND' });
  });

  it('refuses a decision about a retention that has changed since the question was asked', async () => {
    addSourceInstance(w.rds, 'ledger');
    const ledger = w.register('ledger', { provider: 'rds-instance', source: { instanceId: 'ledger', region: 'eu-west-1' } }).providers.retention as ResourceRetention;
    const asked = new Date(Date.now() - 2 * HOUR);
    await ledger.retainReplaced('r-ledger1', asked);
    const fields = w.rds.instanceFields('ledger');
    if (fields) fields.DeletionProtection = false;
    const ledgerService = new RetentionService({ databases: ['ledger'], providers: (db) => w.providers.get(db) as never, audit: async (e) => void events.push(e), now: () => new Date() });
    // a newer run kept it again meanwhile
    await ledger.releaseReplaced('r-ledger1');
    await ledger.retainReplaced('r-ledger2', new Date(Date.now() - HOUR));
    const before = events.length;
    for (const decide of [(r: RetainedRef) => ledgerService.keep(r, 'U0APPROVER1'), (r: RetainedRef) => ledgerService.approveDeletion(r, 'U0APPROVER1')]) {
      await expect(decide({ database: 'ledger', id: 'ledger', asked: { retainUntil: asked, retainedBy: 'r-ledger1' } })).rejects.toMatchObject({
        code: 'RETENTION_CHANGED',
        userMessage: expect.stringContaining('for run r-ledger2), so this question no longer stands'),
      });
    }
    expect(events.length).toBe(before);
    expect(deletes().filter((c) => c.params.DBInstanceIdentifier === 'ledger')).toEqual([]);
  });

  it('still finds a replaced database after rewind.yml names its successor as the source, and only for its own database', async () => {
    addSourceInstance(w.rds, 'billing');
    const before = w.register('billing', { provider: 'rds-instance', source: { instanceId: 'billing', region: 'eu-west-1' } }).providers.retention as ResourceRetention;
    await before.retainReplaced('r-billing1', new Date(Date.now() - HOUR));
    expect(tagsOf('billing')).toMatchObject({ 'rewind-retained-role': 'replaced', 'rewind-retained-for': 'billing' });
    // as SOURCE_REPLACED advises: rewind.yml now names the restored database
    const after = w.register('billing', { provider: 'rds-instance', source: { instanceId: 'billing-dr-billing1', region: 'eu-west-1' } }).providers.retention as ResourceRetention;
    expect((await after.listRetained()).map((r) => [r.id, r.role, r.retainedBy])).toEqual([['billing', 'replaced', 'r-billing1']]);
    expect((await retention.listRetained()).map((r) => r.id)).not.toContain('billing');
    // back in service: every retention tag comes off, the one naming the database too
    await after.releaseReplaced('r-billing1');
    expect(Object.keys(tagsOf('billing')).filter((k) => k.startsWith('rewind-'))).toEqual([]);
  });

  it('says when it cannot tell whether a delete happened, and tells a refused delete apart', async () => {
    const past = new Date(Date.now() - HOUR);
    for (const id of ['lost-answer', 'throttled']) {
      addSourceInstance(w.rds, id);
      const fields = w.rds.instanceFields(id);
      if (fields) fields.DeletionProtection = false;
      const r = w.register(id, { provider: 'rds-instance', source: { instanceId: id, region: 'eu-west-1' } }).providers.retention as ResourceRetention;
      await r.retainReplaced(`r-${id}`, past);
    }
    const retentionOf = (id: string) => w.providers.get(id)?.retention as ResourceRetention;
    // RDS deletes, but the answer is a 500: nobody may take that for "nothing was deleted"
    w.rds.server.failAfterNext('DeleteDBInstance', 'InternalFailure', 'We encountered an internal error. Please try again.');
    await expect(retentionOf('lost-answer').deleteRetained({ provider: 'aws-rds-instance', id: 'lost-answer' }, new Date())).rejects.toMatchObject({
      code: 'DELETE_OUTCOME_UNKNOWN',
      userMessage: expect.stringContaining('cannot tell whether it is being deleted'),
    });
    expect(w.rds.instances.get('lost-answer')?.deleted).toBe(true);
    // a throttled delete was refused by RDS: nothing happened, an ordinary (retryable) error
    w.rds.server.throttle('DeleteDBInstance', 1);
    await expect(retentionOf('throttled').deleteRetained({ provider: 'aws-rds-instance', id: 'throttled' }, new Date())).rejects.toMatchObject({ code: expect.not.stringMatching(/UNKNOWN/) });
    expect(w.rds.instances.get('throttled')?.deleted ?? false).toBe(false);
  });
});
