import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { parseConfig } from '../../../src/config/load';
import { attachDrills } from '../../../src/main/drills';
import { startServices, type Services } from '../../../src/main/services';
import type { DatabaseProviders } from '../../../src/providers/ports';
import { countingProviders, createProviderTables } from '../../support/counting-providers';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { TEST_REDIS_URL } from '../../support/env';
import { DEFAULT_DRILLS, drillConfigYaml, waitFor, WINDOW } from './drill-harness';

// Drills as `npm start` wires them: the worker syncs the drill schedulers with rewind.yml, the
// step processors include the smoke test (the real one, against a real PostgreSQL endpoint), and
// a drill run is settled and reported without Slack (the messages go to the log).

describe('drills in the running service', () => {
  let db: TestDatabase;
  let pool: Pool;
  let services: Services | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('drillsvc');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await createProviderTables(pool);
  });
  afterAll(async () => {
    await services?.stop();
    await pool.end();
    await db.drop();
  });

  it('schedules, runs, smoke-tests, tears down and reports a drill', async () => {
    const base = countingProviders(pool, { window: WINDOW });
    // The sandbox's endpoint is this test's own database, so the real smoke test has something to connect to.
    const providers: DatabaseProviders = {
      ...base,
      source: {
        describe: () => base.source.describe(),
        startRestore: (r) => base.source.startRestore(r),
        async poll(ref) {
          const res = await base.source.poll(ref);
          return res.state === 'available' ? { ...res, endpoint: { host: '127.0.0.1', port: 5432, url: db.url } } : res;
        },
        discard: (ref) => base.source.discard(ref),
      },
    };
    services = await startServices({
      env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent', REWIND_QUEUE_PREFIX: `rwdsvc${randomBytes(3).toString('hex')}` },
      config: parseConfig(drillConfigYaml(DEFAULT_DRILLS)),
      providers: () => providers,
      worker: true,
      port: 0,
    });
    const drills = attachDrills(services.runtime);
    await waitFor(async () => (await drills.jobs.queue.getJobSchedulers()).some((s) => s.key === 'drill:orders-db'), 'the drill scheduler');

    const { drill } = await drills.service.startManual('orders-db', 'U0OPERATOR1', 'C0DRILLS01');
    const done = await waitFor(async () => {
      const d = await drills.service.find(drill.id);
      return d?.report ? d : undefined;
    }, 'the drill report');
    expect(done.report).toMatchObject({ result: 'succeeded', smoke: { passed: true }, teardown: { status: 'done' } });
    expect((await pool.query('SELECT discarded FROM test_resources')).rows).toEqual([{ discarded: true }]);
  });
});
