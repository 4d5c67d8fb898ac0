import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_PG_URL } from './env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database per test file, so test files can run side by side. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `rewind_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        // Let the code under test close its connections first: a forced drop kills them, and a
        // pg client killed mid-query without an error listener takes the test process down.
        const deadline = Date.now() + 3000;
        while (Date.now() < deadline) {
          const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
