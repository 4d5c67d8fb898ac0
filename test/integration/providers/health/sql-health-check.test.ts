import { SqlHealthCheck } from '../../../../src/providers/health/sql-health-check';
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
});
