import { SqlHealthCheck } from '../../../../src/providers/health/sql-health-check';
import { RewindError } from '../../../../src/recovery/errors';
import { TEST_PG_URL } from '../../../support/env';

describe('SqlHealthCheck', () => {
  it('passes when the query succeeds and returns the expected value', async () => {
    const r = await new SqlHealthCheck({ connectionString: TEST_PG_URL, query: "select 'ok'", expect: 'ok', name: 'orders db' }).check();
    expect(r).toMatchObject({ name: 'orders db', passed: true, expected: "select 'ok' returns ok" });
    expect(r.value).toMatch(/^ok in \d+ ms$/);
  });

  it('fails on an unexpected value', async () => {
    const r = await new SqlHealthCheck({ connectionString: async () => TEST_PG_URL, query: 'select 2', expect: '1' }).check();
    expect(r.passed).toBe(false);
    expect(r.value).toMatch(/^2 in/);
  });

  it('fails on a timeout', async () => {
    const r = await new SqlHealthCheck({ connectionString: TEST_PG_URL, query: 'select pg_sleep(5)', timeoutMs: 300 }).check();
    expect(r.passed).toBe(false);
    expect(r.value).toMatch(/^failed: .*(timeout|cancel)/i);
  });

  it('fails without showing the password when the database cannot be reached', async () => {
    const r = await new SqlHealthCheck({ connectionString: 'postgres://app:topsecretpw@127.0.0.1:1/orders', timeoutMs: 1000 }).check();
    expect(r.passed).toBe(false);
    expect(r.value).toMatch(/^failed: /);
    expect(r.value).not.toContain('topsecretpw');
  });

  it('fails, rather than throwing, when the connection string cannot be read, saying why and without any secret', async () => {
    const unreadable = new SqlHealthCheck({
      name: 'orders db',
      connectionString: () =>
        Promise.reject(new RewindError({ code: 'AWS_ACCESS_DENIED', userMessage: "Rewind's AWS identity is not allowed to read secret prod/orders (User is not authorized)." })),
    });
    const denied = await unreadable.check();
    expect(denied).toEqual({
      name: 'orders db',
      passed: false,
      value: "failed before connecting: could not get the connection string: Rewind's AWS identity is not allowed to read secret prod/orders (User is not authorized).",
      expected: 'select 1 succeeds',
    });

    // whatever the function throws, a password in it is not shown
    const leaky = new SqlHealthCheck({
      connectionString: () => Promise.reject(new Error('bad secret {"password": "hunter2-secret", "url": "postgres://app:topsecretpw@db.internal:5432/orders"}')),
      query: 'select 1',
      expect: '1',
    });
    const r = await leaky.check();
    expect(r).toMatchObject({ passed: false, expected: 'select 1 returns 1' });
    expect(r.value).toMatch(/^failed before connecting: could not get the connection string: bad secret/);
    expect(r.value).not.toContain('hunter2-secret');
    expect(r.value).not.toContain('topsecretpw');
  });
});
