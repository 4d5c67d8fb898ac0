import { Client, Pool } from 'pg';
import { startServices } from '../../../src/main/services';
import { listMigrations, migrate } from '../../../src/persistence/migrate';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { TEST_REDIS_URL } from '../../support/env';

describe('start-up', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('main');
  });
  afterAll(async () => db.drop());

  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REWIND_CONFIG: 'config/demo.yml', LOG_LEVEL: 'silent', REWIND_QUEUE_PREFIX: `rwmain${process.pid}`, ...extra });

  it('migrates, serves /healthz and /metrics, and stops cleanly; a second start migrates nothing', async () => {
    const first = await startServices({ env: env(), worker: true, port: 0 });
    const health = await fetch(`http://127.0.0.1:${first.http.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { postgres: { ok: true }, redis: { ok: true } } });
    const metrics = await (await fetch(`http://127.0.0.1:${first.http.port}/metrics`)).text();
    expect(metrics).toContain('rewind_queue_depth');
    await first.stop();

    const c = new Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT name FROM schema_migrations ORDER BY version');
    await c.end();
    expect(rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));

    const pool = new Pool({ connectionString: db.url });
    try {
      expect(await migrate(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('runs migrations once when two processes start at the same time', async () => {
    const other = await createTestDatabase('main2');
    try {
      // without the advisory lock one of the two fails with "relation already exists"
      const both = await Promise.all([0, 1].map(() => startServices({ env: { ...env(), DATABASE_URL: other.url }, worker: false, port: 0 })));
      await Promise.all(both.map((s) => s.stop()));
      const c = new Client({ connectionString: other.url });
      await c.connect();
      const { rows } = await c.query('SELECT name FROM schema_migrations ORDER BY version');
      await c.end();
      expect(rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
    } finally {
      await other.drop();
    }
  });

  it('refuses to start on a bad configuration, naming the file and the problem', async () => {
    await expect(startServices({ env: env({ REWIND_CONFIG: 'does/not/exist.yml' }), worker: false, port: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      userMessage: expect.stringMatching(/^does\/not\/exist\.yml: cannot read the configuration file .*REWIND_CONFIG/),
    });
    await expect(startServices({ env: env({ PORT: 'abc' }), worker: false })).rejects.toMatchObject({ userMessage: 'environment: PORT: expected a port number 1-65535, got "abc"' });
  });
});
