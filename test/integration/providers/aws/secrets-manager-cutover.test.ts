import { FakeSecretsManager } from '../../../fakes/aws-secrets-manager';
import { SecretsManagerCutover } from '../../../../src/providers/aws/secrets-manager-cutover';
import { uuidFromKey } from '../../../../src/providers/aws/idempotency-token';
import { RewindError } from '../../../../src/recovery/errors';
import { awsOptions } from './rds-fixtures';

const PASSWORD = 'hunter2-very-secret';
const ORIGINAL = JSON.stringify({ engine: 'postgres', host: 'orders.fake-rds.local', port: 5432, username: 'app', password: PASSWORD, dbname: 'orders', dbInstanceIdentifier: 'orders' });
const NEW_ENDPOINT = { host: 'orders-dr-42.fake-rds.local', port: 5433, database: 'orders', url: `postgres://app:${PASSWORD}@orders-dr-42.fake-rds.local:5433/orders` };

let fake: FakeSecretsManager;
let cutover: SecretsManagerCutover;
let originalVersion: string;

beforeEach(async () => {
  fake = await FakeSecretsManager.start();
  originalVersion = fake.addSecret('prod/orders/db', ORIGINAL, { lastChanged: new Date('2025-03-01T00:00:00Z') });
  cutover = new SecretsManagerCutover({ sm: awsOptions(fake.url), secretId: 'prod/orders/db' });
});
afterEach(() => fake.close());

describe('SecretsManagerCutover', () => {
  it('plans old → new host and port without the password', async () => {
    const plan = await cutover.plan(NEW_ENDPOINT);
    expect(plan).toContain('host: orders.fake-rds.local → orders-dr-42.fake-rds.local');
    expect(plan).toContain('port: 5432 → 5433');
    expect(plan).not.toContain(PASSWORD);
  });

  it('switches the secret, idempotently, then rolls back to the previous value as AWSCURRENT', async () => {
    const record = await cutover.apply(NEW_ENDPOINT, 'run-42:cutover');
    expect(record).toMatchObject({
      kind: 'aws-secrets-manager',
      previousVersionId: originalVersion,
      newVersionId: uuidFromKey('rewind-secret-cutover', 'prod/orders/db', 'run-42:cutover'),
      previous: { host: 'orders.fake-rds.local', port: '5432' },
      next: { host: 'orders-dr-42.fake-rds.local', port: '5433' },
    });
    expect(JSON.stringify(record)).not.toContain(PASSWORD);
    expect(record.newVersionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const current = JSON.parse(fake.valueAt('prod/orders/db') ?? '{}') as Record<string, unknown>;
    expect(current).toMatchObject({ host: 'orders-dr-42.fake-rds.local', port: 5433, password: PASSWORD, dbname: 'orders', username: 'app' });
    expect(fake.valueAt('prod/orders/db', 'AWSPREVIOUS')).toBe(ORIGINAL);
    expect(fake.calls.find((c) => c.action === 'PutSecretValue')?.body.ClientRequestToken).toBe(record.newVersionId);

    // A retry after a crash rebuilds the same record and writes nothing.
    const again = await cutover.apply(NEW_ENDPOINT, 'run-42:cutover');
    expect(again).toEqual(record);
    expect(fake.calls.filter((c) => c.action === 'PutSecretValue')).toHaveLength(1);

    await cutover.rollback(record);
    expect(fake.valueAt('prod/orders/db')).toBe(ORIGINAL);
    expect(fake.stagesOf('prod/orders/db')[originalVersion]).toContain('AWSCURRENT');
    expect(fake.calls.find((c) => c.action === 'UpdateSecretVersionStage')?.body).toMatchObject({
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: originalVersion,
      RemoveFromVersionId: record.newVersionId,
    });
    await cutover.rollback(record); // already rolled back: no-op
    expect(fake.calls.filter((c) => c.action === 'UpdateSecretVersionStage')).toHaveLength(1);
  });

  it('refuses to roll back over a change made after the cutover', async () => {
    const record = await cutover.apply(NEW_ENDPOINT, 'run-43:cutover');
    await new SecretsManagerCutover({ sm: awsOptions(fake.url), secretId: 'prod/orders/db' }).apply({ host: 'elsewhere', port: 5432 }, 'someone-else');
    await expect(cutover.rollback(record)).rejects.toMatchObject({ code: 'SECRET_CHANGED_SINCE_CUTOVER' });
  });

  it('warns when the secret was rotated after the restore target', async () => {
    await fake.close();
    fake = await FakeSecretsManager.start();
    fake.addSecret('prod/orders/db', ORIGINAL, { lastRotated: new Date('2025-03-08T06:00:00Z'), lastChanged: new Date('2025-03-08T06:00:00Z') });
    cutover = new SecretsManagerCutover({ sm: awsOptions(fake.url), secretId: 'prod/orders/db' });
    const warning = await cutover.rotationWarning(new Date('2025-03-08T04:00:00Z'));
    expect(warning).toContain('was rotated at 2025-03-08T06:00:00.000Z, after the restore target 2025-03-08T04:00:00.000Z');
    expect(await cutover.rotationWarning(new Date('2025-03-08T07:00:00Z'))).toBeUndefined();
  });

  it('never shows the secret when it is not RDS-style JSON', async () => {
    fake.addSecret('plain', `password=${PASSWORD}`);
    const plain = new SecretsManagerCutover({ sm: awsOptions(fake.url), secretId: 'plain' });
    const err = await plain.apply(NEW_ENDPOINT, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RewindError);
    expect((err as RewindError).code).toBe('SECRET_NOT_RDS_JSON');
    expect((err as RewindError).userMessage).not.toContain(PASSWORD);
  });

  it('explains a missing secret', async () => {
    const missing = new SecretsManagerCutover({ sm: awsOptions(fake.url), secretId: 'nope' });
    await expect(missing.plan(NEW_ENDPOINT)).rejects.toMatchObject({ code: 'AWS_NOT_FOUND', retryable: false });
  });
});
