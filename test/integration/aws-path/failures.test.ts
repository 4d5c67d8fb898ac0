import { auditTrail } from '../../../src/persistence/audit-log';
import type { Run } from '../../../src/recovery/run';
import { addSourceInstance } from '../providers/aws/rds-fixtures';
import { BEFORE_TARGET, rdsSecret, startAwsWorld, type AwsWorld } from './aws-world';

/** How the AWS path fails: each case names what was wrong, and nothing is created that should not be. */
describe('AWS path failures', () => {
  let w: AwsWorld;
  beforeAll(async () => {
    w = await startAwsWorld();
    addSourceInstance(w.rds, 'orders');
  });
  afterAll(async () => w.close());

  const atCutoverGate = (r: Run): boolean => r.status === 'awaiting_approval' && r.steps[r.currentStep]?.params.gate === 'cutover';
  const source = { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' } };
  const restoreCalls = (name: string) => w.rds.server.calls.filter((c) => c.action === 'RestoreDBInstanceToPointInTime' && c.params.TargetDBInstanceIdentifier === name);
  const nameOf = (run: Run) => `${run.database}-dr-${run.id.slice(2)}`;

  it('retries a throttled restore with backoff, then succeeds', async () => {
    w.register('throttled', source);
    w.rds.server.throttle('RestoreDBInstanceToPointInTime', 1);
    const run = await w.start('throttled');
    const r = await w.drive(run, atCutoverGate);
    expect(atCutoverGate(r)).toBe(true);
    expect(restoreCalls(nameOf(run)).map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'ok']);
    const retry = (await auditTrail(w.h.pool, run.id)).find((e) => e.action === 'step.retry_scheduled');
    expect(retry?.detail).toMatchObject({ error: { code: 'AWS_THROTTLED', retryable: true } });
  });

  it('fails the restore step clearly on InvalidRestore', async () => {
    w.register('invalid-restore', source);
    w.rds.server.failNext('RestoreDBInstanceToPointInTime', 'InvalidRestoreFault', 'Restore time is not valid for this source.');
    const r = await w.drive(await w.start('invalid-restore'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'INVALID_RESTORE', message: expect.stringContaining('AWS refused to restore orders into invalid-restore-dr-') });
    expect(r.error?.message).toContain('Restore time is not valid for this source. Check the restore time against the restorable window');
  });

  it('fails waiting when the new instance ends in incompatible-network, saying why', async () => {
    w.register('bad-network', source);
    const run = await w.start('bad-network');
    w.rds.scriptFor(nameOf(run), ['creating', 'incompatible-network']);
    const r = await w.drive(run);
    expect(r.status).toBe('failed');
    expect(r.steps[r.currentStep]?.kind).toBe('wait-available');
    expect(r.error).toMatchObject({ code: 'RESTORE_FAILED', message: expect.stringContaining('(incompatible-network): the subnet group has no free IP addresses') });
    expect(r.error?.message).toContain(`/dr abort ${r.id} discards it; then start a new run.`);
  });

  it('adopts an instance that already exists with this run\'s tags instead of restoring again', async () => {
    w.register('adopt', source);
    const run = await w.start('adopt');
    const tags = [
      { Key: 'managed-by', Value: 'rewind' },
      { Key: 'rewind-run', Value: run.id },
    ];
    w.rds.addInstance(nameOf(run), { Engine: 'postgres', DBName: 'orders', TagList: tags, Endpoint: { Address: `${nameOf(run)}.fake-rds.local`, Port: 5432 } });
    const r = await w.drive(run, atCutoverGate);
    expect(atCutoverGate(r)).toBe(true);
    expect(restoreCalls(nameOf(run))).toEqual([]);
    expect(r.steps[2]?.output).toMatchObject({ ref: { id: nameOf(run), adopted: true } });
  });

  it('refuses an existing instance with foreign tags, changing nothing', async () => {
    w.register('taken', source);
    const run = await w.start('taken');
    w.rds.addInstance(nameOf(run), { Engine: 'postgres', TagList: [{ Key: 'team', Value: 'shop' }] });
    const r = await w.drive(run);
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'RESTORE_TARGET_TAKEN', message: expect.stringContaining('it was not created by Rewind (no managed-by=rewind tag)') });
    expect(restoreCalls(nameOf(run))).toEqual([]);
    expect(w.rds.instanceFields(nameOf(run))?.TagList).toEqual([{ Key: 'team', Value: 'shop' }]);
  });

  it('refuses a target outside the restorable window before any call that creates anything', async () => {
    w.register('outside', source);
    const before = w.rds.server.mutatingCalls().length;
    const late = await w.drive(await w.start('outside', { kind: 'time', at: new Date('2025-03-08T11:59:00Z') }));
    expect(late.error).toMatchObject({ code: 'TARGET_AFTER_WINDOW', message: expect.stringContaining('2025-03-01T00:00:00Z to 2025-03-08T11:55:00Z') });
    const early = await w.drive(await w.start('outside', { kind: 'time', at: new Date('2025-02-01T00:00:00Z') }));
    expect(early.error).toMatchObject({ code: 'TARGET_BEFORE_WINDOW' });
    expect(early.approvals).toEqual([]);
    expect(w.rds.server.mutatingCalls().length).toBe(before);
  });

  it('fails the restart step naming the deployment when its rollout hits ProgressDeadlineExceeded', async () => {
    w.sm.addSecret('prod/deadline', rdsSecret('orders.fake-rds.local'), { lastChanged: BEFORE_TARGET });
    w.kube.addDeployment('payments', 'ledger', { replicas: 2, script: 'deadline' });
    w.register('deadline', {
      ...source,
      cutover: [
        { type: 'secrets-manager', secretId: 'prod/deadline', region: 'eu-west-1' },
        { type: 'kubernetes-restart', namespace: 'payments', deployments: ['ledger'] },
      ],
    });
    const r = await w.drive(await w.start('deadline'));
    expect(r.status).toBe('failed');
    expect(r.steps[r.currentStep]).toMatchObject({ kind: 'cutover', status: 'failed', name: 'Cut over: restart payments/ledger' });
    expect(r.error?.code).toBe('CUTOVER_FAILED');
    expect(r.error?.message).toContain('Rollout of payments/ledger failed: deployment "ledger" exceeded its progress deadline (ProgressDeadlineExceeded)');
    expect(r.error?.message).toContain('kubectl -n payments describe deployment ledger');
  });

  it('refuses to restart a paused deployment, saying how to resume it', async () => {
    w.sm.addSecret('prod/paused', rdsSecret('orders.fake-rds.local'), { lastChanged: BEFORE_TARGET });
    w.kube.addDeployment('payments', 'frozen', { paused: true });
    w.register('paused', {
      ...source,
      cutover: [
        { type: 'secrets-manager', secretId: 'prod/paused', region: 'eu-west-1' },
        { type: 'kubernetes-restart', namespace: 'payments', deployments: ['frozen'] },
      ],
    });
    const r = await w.drive(await w.start('paused'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'DEPLOYMENT_PAUSED', message: expect.stringContaining('kubectl -n payments rollout resume deployment/frozen') });
    expect(w.kube.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/frozen'))).toEqual([]);
  });

  it('fails a webhook cutover answered with HTTP 500, quoting the response', async () => {
    w.app.hook = { status: 500, body: 'upstream exploded' };
    w.register('hooked', { ...source, cutover: [{ type: 'webhook', name: 'platform env', url: `${w.app.url}/hook`, body: '{"DATABASE_HOST":"{{host}}"}' }] });
    const r = await w.drive(await w.start('hooked'), undefined, 40_000);
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'WEBHOOK_FAILED', message: expect.stringContaining('failed with HTTP 500: upstream exploded') });
    expect(w.app.count('/hook')).toBe(3);
  }, 60_000);
});
