import { stringify } from 'yaml';
import { parseConfig } from '../../../../src/config/load';
import type { DatabaseConfig } from '../../../../src/config/schema';
import { providersForDatabase, type ProviderOptions } from '../../../../src/main/providers-from-config';
import { findFreePort } from '../../../../src/providers/local/pg-process';
import type { CutoverRecord, DatabaseProviders } from '../../../../src/providers/ports';
import { FakeSecretsManager } from '../../../fakes/aws-secrets-manager';

/**
 * A SQL health check built from rewind.yml connects where the applications connect now: with a
 * secrets-manager cutover, the secret's AWSCURRENT at check time (the real SDK client against the
 * fake Secrets Manager, the real PostgreSQL on 127.0.0.1:5432 as the "restored" database); without
 * one, REWIND_<DB>_URL. The secret's password never appears in a result or an error.
 */
const PASSWORD = 'p@ss:w/rd%never-shown';
const secretAt = (host: string, port: number | string) => JSON.stringify({ engine: 'postgres', host, port, username: 'postgres', password: PASSWORD, dbname: 'postgres' });

let sm: FakeSecretsManager;
let deadPort: number;
const options = (): ProviderOptions => ({
  aws: { secretsManagerEndpoint: sm.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 },
  validationSslMode: 'disable',
});

function build(name: string, entry: Record<string, unknown>): DatabaseProviders {
  const config = parseConfig(
    stringify({
      databases: {
        [name]: {
          provider: 'rds-instance',
          rto: '30m',
          rpo: '5m',
          operators: ['U0REQUEST01'],
          source: { instanceId: 'orders', region: 'eu-west-1' },
          healthChecks: [{ type: 'sql', name: 'serves-here', query: "select current_user || '@' || inet_server_port()", expect: 'postgres@5432' }],
          ...entry,
        },
      },
    }),
  );
  return providersForDatabase(config.databases[name] as DatabaseConfig, options());
}

const sqlCheck = (p: DatabaseProviders) => {
  const c = p.healthChecks[0]?.check;
  if (!c) throw new Error('no health check built');
  return c;
};

beforeAll(async () => {
  sm = await FakeSecretsManager.start();
  deadPort = await findFreePort();
});
afterAll(() => sm.close());

describe('SQL health check of a database with a secrets-manager cutover', () => {
  it('reads the connection from the secret at check time: the old (dead) host before the cutover, the restored one after, the old again after rollback', async () => {
    sm.addSecret('prod/orders', secretAt('127.0.0.1', deadPort));
    const providers = build('orders', { cutover: [{ type: 'secrets-manager', secretId: 'prod/orders', region: 'eu-west-1' }] });
    // the variable that used to be read is set and wrong on purpose: it must be ignored
    process.env.REWIND_ORDERS_URL = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${deadPort}/postgres`;
    try {
      const before = await sqlCheck(providers).check();
      expect(before).toMatchObject({ name: 'serves-here', passed: false, value: expect.stringContaining(`ECONNREFUSED 127.0.0.1:${deadPort}`) });
      expect(before.value).toMatch(/^failed: /);
      expect(JSON.stringify(before)).not.toContain(PASSWORD);
      expect(JSON.stringify(before)).not.toContain(encodeURIComponent(PASSWORD));

      // the real cutover adapter moves AWSCURRENT to the "restored" database
      const cutover = providers.cutovers[0]?.cutover;
      if (!cutover) throw new Error('no cutover built');
      const record: CutoverRecord = await cutover.apply({ host: '127.0.0.1', port: 5432 }, 'run-1:cutover');
      expect(JSON.parse(sm.valueAt('prod/orders') ?? '{}')).toMatchObject({ host: '127.0.0.1', port: 5432 });
      const after = await sqlCheck(providers).check();
      expect(after).toMatchObject({ passed: true, expected: "select current_user || '@' || inet_server_port() returns postgres@5432" });
      expect(after.value).toMatch(/^postgres@5432 in \d+ ms$/);

      await cutover.rollback(record);
      const rolledBack = await sqlCheck(providers).check();
      expect(rolledBack.passed).toBe(false);
      expect(JSON.stringify(rolledBack)).not.toContain(PASSWORD);
    } finally {
      delete process.env.REWIND_ORDERS_URL;
    }
  });

  it('uses the first secrets-manager cutover, a port stored as text, and PostgreSQL’s default port when the secret has none', async () => {
    sm.addSecret('prod/text-port', secretAt('127.0.0.1', '5432'));
    sm.addSecret('prod/other', secretAt('127.0.0.1', deadPort));
    const textPort = build('text-port', {
      cutover: [
        { type: 'secrets-manager', secretId: 'prod/text-port', region: 'eu-west-1' },
        { type: 'secrets-manager', secretId: 'prod/other', region: 'eu-west-1' },
      ],
    });
    expect(await sqlCheck(textPort).check()).toMatchObject({ passed: true });

    const { port: _unused, ...noPort } = JSON.parse(secretAt('127.0.0.1', 5432)) as Record<string, unknown>;
    sm.addSecret('prod/no-port', JSON.stringify(noPort));
    expect(await sqlCheck(build('no-port', { cutover: [{ type: 'secrets-manager', secretId: 'prod/no-port', region: 'eu-west-1' }] })).check()).toMatchObject({ passed: true });
  });

  it('fails (a result, not a throw) saying why, without quoting the secret, when the secret is missing, has no login, or no usable endpoint', async () => {
    const failedBeforeConnecting = (why: string) => ({ name: 'serves-here', passed: false, value: expect.stringContaining(`failed before connecting: could not get the connection string: ${why}`) });
    const missing = build('missing', { cutover: [{ type: 'secrets-manager', secretId: 'prod/nowhere', region: 'eu-west-1' }] });
    const notFound = await sqlCheck(missing).check();
    expect(notFound).toMatchObject(failedBeforeConnecting('Could not read the database login from secret prod/nowhere for the SQL health check "serves-here" of missing'));

    sm.addSecret('prod/no-login', JSON.stringify({ host: '127.0.0.1', port: 5432, password: PASSWORD }));
    const noLogin = await sqlCheck(build('no-login', { cutover: [{ type: 'secrets-manager', secretId: 'prod/no-login', region: 'eu-west-1' }] })).check();
    expect(noLogin).toMatchObject({
      passed: false,
      value:
        'failed before connecting: could not get the connection string: Secret prod/no-login has no "username" and "password" fields, so Rewind cannot connect for the SQL health check "serves-here" of no-login. Add them (the RDS layout has both) or remove the SQL health check "serves-here" of no-login.',
    });

    sm.addSecret('prod/bad-port', secretAt('127.0.0.1', 'five'));
    const badPort = await sqlCheck(build('bad-port', { cutover: [{ type: 'secrets-manager', secretId: 'prod/bad-port', region: 'eu-west-1' }] })).check();
    expect(badPort).toMatchObject(failedBeforeConnecting('Secret prod/bad-port has an empty "host" or a "port" that is not a TCP port number'));

    sm.addSecret('prod/not-json', `password=${PASSWORD}`);
    const notJson = await sqlCheck(build('not-json', { cutover: [{ type: 'secrets-manager', secretId: 'prod/not-json', region: 'eu-west-1' }] })).check();
    expect(notJson).toMatchObject(failedBeforeConnecting('Secret prod/not-json is not an RDS-style JSON secret'));
    for (const r of [notFound, noLogin, badPort, notJson]) {
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
      expect(JSON.stringify(r)).not.toContain(encodeURIComponent(PASSWORD));
    }
  });
});

describe('SQL health check of a database without a secrets-manager cutover', () => {
  it('reads REWIND_<DB>_URL, and says which variable is missing', async () => {
    delete process.env.REWIND_PLAIN_DB_URL;
    expect(await sqlCheck(build('plain-db', {})).check()).toMatchObject({
      passed: false,
      value: 'failed before connecting: could not get the connection string: The SQL health check "serves-here" of plain-db needs the application\'s connection string in REWIND_PLAIN_DB_URL.',
    });
    process.env.REWIND_PLAIN_DB_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
    try {
      expect(await sqlCheck(build('plain-db', {})).check()).toMatchObject({ passed: true });
    } finally {
      delete process.env.REWIND_PLAIN_DB_URL;
    }
  });
});
