import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pool } from 'pg';
import { SecretCredentialsValidator, credentialedEndpoint } from '../../../src/providers/aws/secret-credentials-validator';
import { SqlValidator } from '../../../src/providers/local/sql-validator';
import { auditTrail } from '../../../src/persistence/audit-log';
import { RESTART_KEY_ANNOTATION } from '../../../src/providers/kubernetes/rollout-restart-cutover';
import { RewindError } from '../../../src/recovery/errors';
import { addSourceInstance } from '../providers/aws/rds-fixtures';
import { APPROVER, BEFORE_TARGET, rdsSecret, SECRET_PASSWORD, startAwsWorld, type AwsWorld } from './aws-world';

/** The whole PITR of an RDS instance, then the way back. */
describe('AWS path: PITR of an RDS instance through secret, restart and health check, then rollback', () => {
  let w: AwsWorld;
  let role: string;
  const seen: { username: string; password: string }[] = [];

  beforeAll(async () => {
    w = await startAwsWorld();
    addSourceInstance(w.rds, 'orders');
    w.kube.addDeployment('shop', 'api', { replicas: 2 });
    w.kube.addDeployment('shop', 'worker', { replicas: 1 });
    role = `rewind_app_${Date.now().toString(36)}`;
    // the secret's login must exist where the validator really connects (the test database)
    const admin = new Pool({ connectionString: w.h.db.url });
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.end();
    w.sm.addSecret('prod/orders', rdsSecret('orders.fake-rds.local', role), { lastChanged: BEFORE_TARGET });
    const { providers } = w.register('orders', {
      provider: 'rds-instance',
      source: { instanceId: 'orders', region: 'eu-west-1' },
      cutover: [
        { type: 'secrets-manager', secretId: 'prod/orders', region: 'eu-west-1' },
        { type: 'kubernetes-restart', namespace: 'shop', deployments: ['api', 'worker'] },
      ],
      healthChecks: [{ type: 'http', name: 'app', url: `${w.app.url}/health`, bodyContains: 'ok', retries: 0 }],
      validation: [{ name: 'logged in as the secret user', sql: `select (current_user = '${role}')::int`, expect: { op: '=', value: 1 } }],
    });
    expect(providers.validator).toBeInstanceOf(SecretCredentialsValidator);
    // The fake's hosts do not resolve: the same validator class, redirected to the test database.
    const local = new URL(w.h.db.url);
    providers.validator = new SecretCredentialsValidator({
      sm: { region: 'eu-west-1', endpoint: w.sm.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 },
      secretId: 'prod/orders',
      build: (_endpoint, credentials) => {
        seen.push(credentials);
        const endpoint = credentialedEndpoint({ host: local.hostname, port: Number(local.port || 5432), database: local.pathname.slice(1) }, credentials, 'disable');
        return { validator: new SqlValidator({ checks: [{ name: 'logged in as the secret user', sql: `select (current_user = '${role}')::int`, expect: { op: '=', value: 1 } }], checksumCheck: false }), endpoint };
      },
    });
  });
  afterAll(async () => w.close());

  let runId = '';
  let restored = '';

  it('restores, validates with the secret\'s login, cuts over, restarts, checks health and keeps the old instance', async () => {
    const run = await w.start('orders');
    expect(run.plan.steps.map((s) => s.kind)).toEqual(['check-window', 'gate', 'restore', 'wait-available', 'validate', 'gate', 'cutover', 'cutover', 'verify-health', 'retain-old']);
    const done = await w.drive(run);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    runId = run.id;
    restored = `orders-dr-${run.id.slice(2)}`;

    const restore = w.rds.server.calls.find((c) => c.action === 'RestoreDBInstanceToPointInTime');
    expect(restore?.params).toMatchObject({ SourceDBInstanceIdentifier: 'orders', TargetDBInstanceIdentifier: restored, RestoreTime: '2025-03-08T10:02:00Z', DBSubnetGroupName: 'private-db' });

    // validation logged in with the secret's credentials, which are nowhere in the store
    expect(seen.at(-1)).toEqual({ username: role, password: SECRET_PASSWORD });
    expect(done.steps[4]?.output).toMatchObject({ checks: [{ name: 'logged in as the secret user', passed: true, value: '1' }] });
    const stored = JSON.stringify([done.steps.map((s) => [s.output, s.state, s.detail, s.error]), await auditTrail(w.h.pool, run.id)]);
    expect(stored).not.toContain(SECRET_PASSWORD);

    // the secret points at the restored instance; the old value is AWSPREVIOUS
    expect(JSON.parse(w.sm.valueAt('prod/orders') ?? '{}')).toMatchObject({ host: `${restored}.fake-rds.local`, port: 5432, username: role, password: SECRET_PASSWORD });
    expect(JSON.parse(w.sm.valueAt('prod/orders', 'AWSPREVIOUS') ?? '{}')).toMatchObject({ host: 'orders.fake-rds.local' });
    expect(done.steps[6]?.output).toMatchObject({ cutover: 'secret prod/orders', warnings: [] });

    // both deployments restarted and rolled out before the health check ran
    for (const d of ['api', 'worker']) expect(w.kube.deployment('shop', d)?.spec.template.metadata.annotations[RESTART_KEY_ANNOTATION]).toBe(`${run.id}:7`);
    expect(done.steps[7]?.detail).toContain('now points at');
    expect(w.app.count('/health')).toBeGreaterThanOrEqual(1);

    // the replaced instance is tagged to be kept for 72 h, not deleted
    const tags = Object.fromEntries((w.rds.instanceFields('orders')?.TagList as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(tags['rewind-retained-by']).toBe(run.id);
    expect(tags['rewind-retained-role']).toBe('replaced');
    expect(Math.abs(Date.parse(tags['rewind-retain-until'] ?? '') - (Date.now() + 72 * 3_600_000))).toBeLessThan(60_000);
    expect(done.steps[9]?.output).toMatchObject({ retained: { id: 'orders', provider: 'aws-rds-instance' } });
    expect(w.rds.server.calls.filter((c) => c.action.startsWith('Delete'))).toEqual([]);
  });

  it('refuses to restore the replaced instance again, naming the one now in service', async () => {
    const source = w.providers.get('orders')?.source;
    await expect(source?.describe()).rejects.toMatchObject({
      code: 'SOURCE_REPLACED',
      userMessage: expect.stringContaining(`orders was replaced by ${restored} in run ${runId}; restoring it would lose every write since that cutover. Update source.instanceId in rewind.yml to ${restored}`),
    });
  });

  it('rolls the cutover back: the previous secret is AWSCURRENT again, apps restart after it, health is re-checked', async () => {
    const healthBefore = w.app.count('/health');
    const started = await w.h.engine.rollbackCutover(runId, 'U0IC000001');
    expect(started.status).toBe('rolling_back');
    const ended = await w.h.waitFor(runId, ['aborted', 'failed'], 30_000);
    expect(ended.error).toBeNull();
    expect(ended.status).toBe('aborted');

    expect(w.sm.valueAt('prod/orders')).toBe(rdsSecret('orders.fake-rds.local', role));
    for (const d of ['api', 'worker']) expect(w.kube.deployment('shop', d)?.spec.template.metadata.annotations[RESTART_KEY_ANNOTATION]).toBe(`${runId}:7:rollback`);
    expect(w.app.count('/health')).toBeGreaterThan(healthBefore);

    // order: release retention, put the secret back, then restart, then re-check health
    const trail = await auditTrail(w.h.pool, runId);
    expect(trail.filter((e) => e.action === 'step.compensated').map((e) => e.stepIdx)).toEqual([9, 6, 7, 8]);
    expect(trail.find((e) => e.action === 'run.cutover_rolled_back')).toMatchObject({ actor: 'U0IC000001' });
    expect(trail.find((e) => e.to === 'rolling_back')).toMatchObject({ actor: 'U0IC000001', from: 'succeeded' });

    // the old instance is in service again (no retention); the restored one is kept under retention, not deleted
    const tagsOf = (id: string) => Object.fromEntries((w.rds.instanceFields(id)?.TagList as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    expect(tagsOf('orders')['rewind-retain-until']).toBeUndefined();
    expect(tagsOf(restored)).toMatchObject({ 'rewind-retained-role': 'restored', 'rewind-retained-by': runId, 'managed-by': 'rewind' });
    expect(w.rds.server.calls.filter((c) => c.action.startsWith('Delete'))).toEqual([]);
    expect(await w.h.store.activeRunFor('orders')).toBeUndefined();
  });

  it('refuses a second rollback, and a rollback of a run that is not succeeded, clearly', async () => {
    await expect(w.h.engine.rollbackCutover(runId, APPROVER)).rejects.toMatchObject({ code: 'RUN_NOT_ROLLBACKABLE', userMessage: expect.stringContaining('already rolled back') });
    await expect(w.h.engine.rollbackCutover('r-nosuchrun', APPROVER)).rejects.toBeInstanceOf(RewindError);
    const other = await w.start('orders');
    await w.h.waitFor(other.id, ['awaiting_approval']);
    await expect(w.h.engine.rollbackCutover(other.id, APPROVER)).rejects.toMatchObject({ code: 'RUN_NOT_ROLLBACKABLE', userMessage: expect.stringContaining('/dr abort') });
    await w.h.engine.abort(other.id, APPROVER);
  });

  it('refuses to roll back a succeeded run that made no cutover', async () => {
    w.register('orders-no-cutover', { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' } });
    const done = await w.drive(await w.start('orders-no-cutover'));
    expect(done.status).toBe('succeeded');
    await expect(w.h.engine.rollbackCutover(done.id, APPROVER)).rejects.toMatchObject({ code: 'NO_CUTOVER_TO_ROLL_BACK', userMessage: expect.stringContaining('made no cutover') });
    expect((await w.h.store.getRun(done.id))?.status).toBe('succeeded');
  });

  it('stops the rollback, naming the step, when the secret was changed by someone since the cutover', async () => {
    w.sm.addSecret('prod/changed', rdsSecret('orders.fake-rds.local', role), { lastChanged: BEFORE_TARGET });
    w.register('orders-changed', { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' }, cutover: [{ type: 'secrets-manager', secretId: 'prod/changed', region: 'eu-west-1' }] });
    const done = await w.drive(await w.start('orders-changed'));
    expect(done.status).toBe('succeeded');
    const sm = new SecretsManagerClient({ region: 'eu-west-1', endpoint: w.sm.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' } });
    await sm.send(new PutSecretValueCommand({ SecretId: 'prod/changed', SecretString: rdsSecret('by-hand.example', role) }));
    await w.h.engine.rollbackCutover(done.id, APPROVER);
    const failed = await w.h.waitFor(done.id, ['failed', 'aborted'], 20_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'CUTOVER_ROLLBACK_FAILED', message: expect.stringContaining('stopped at "Cut over: secret prod/changed": Secret prod/changed changed after the cutover') });
    expect(failed.error?.message).toContain(`/dr abort ${done.id} tries the rollback again`);
    expect(JSON.parse(w.sm.valueAt('prod/changed') ?? '{}')).toMatchObject({ host: 'by-hand.example' });
    expect(await w.h.store.activeRunFor('orders-changed')).toBeUndefined();
  });

  it('warns on the cutover step when the secret was rotated after the restore point', async () => {
    w.sm.addSecret('prod/rotated', rdsSecret('orders.fake-rds.local', role), { lastChanged: new Date('2025-03-08T11:00:00Z'), lastRotated: new Date('2025-03-08T11:00:00Z') });
    w.register('orders-rotated', {
      provider: 'rds-instance',
      source: { instanceId: 'orders', region: 'eu-west-1' },
      cutover: [{ type: 'secrets-manager', secretId: 'prod/rotated', region: 'eu-west-1' }],
    });
    const done = await w.drive(await w.start('orders-rotated'));
    expect(done.status).toBe('succeeded');
    const cutover = done.steps.find((s) => s.kind === 'cutover');
    expect(cutover?.output?.warnings).toEqual([expect.stringContaining('Secret prod/rotated was rotated at 2025-03-08T11:00:00.000Z, after the restore target 2025-03-08T10:02:00.000Z')]);
    expect(cutover?.detail).toContain('⚠️ Secret prod/rotated was rotated');
  });
});
