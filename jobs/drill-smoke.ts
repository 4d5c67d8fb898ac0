import { Client } from 'pg';
import type { CheckResult, Endpoint, ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { SMOKE_KIND } from '../src/drills/drill-report';
import { restoredEndpoint } from './restore-target';

/** One quick end-to-end probe of a restored sandbox; a failed probe is a failed check, not a throw. */
export type SmokeTest = (endpoint: Endpoint) => Promise<CheckResult>;

const SMOKE_NAME = 'smoke test';
const EXPECTED = 'promoted, readable and writable';

/**
 * Connects, reads the catalog, and writes to a temporary table inside a transaction that is
 * rolled back: a copy that is still in recovery, empty or read-only fails. Leaves nothing behind.
 */
export const pgSmokeTest: SmokeTest = async (endpoint) => {
  const client = new Client(endpoint.url ? { connectionString: endpoint.url, connectionTimeoutMillis: 10_000 } : { host: endpoint.host, port: endpoint.port, database: endpoint.database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query("SET LOCAL statement_timeout = '30s'");
    const { rows } = await client.query<{ r: boolean; n: string }>('SELECT pg_is_in_recovery() AS r, (SELECT count(*) FROM pg_catalog.pg_class)::text AS n');
    const row = rows[0];
    if (!row || row.r) return { name: SMOKE_NAME, passed: false, value: 'still in recovery', expected: EXPECTED };
    await client.query('CREATE TEMP TABLE rewind_smoke (at timestamptz) ON COMMIT DROP');
    await client.query('INSERT INTO rewind_smoke VALUES (now())');
    const written = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM rewind_smoke');
    const ok = written.rows[0]?.n === '1' && Number(row.n) > 0;
    return { name: SMOKE_NAME, passed: ok, value: ok ? `${row.n} catalog entries, write ok` : `catalog ${row.n}, write ${written.rows[0]?.n ?? 'none'}`, expected: EXPECTED };
  } catch (err) {
    return { name: SMOKE_NAME, passed: false, value: (err as Error).message, expected: EXPECTED };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
};

/** The drill's smoke test step, after the runbook's checks. */
export function drillSmokeProcessor(providers: ProviderResolver, smoke: SmokeTest = pgSmokeTest): StepProcessor {
  return {
    kind: SMOKE_KIND,
    policy: { maxAttempts: 3, timeoutMs: 2 * 60_000 },
    async run(ctx) {
      const check = await smoke(await restoredEndpoint(providers, ctx));
      if (!check.passed) {
        throw new RewindError({ code: 'SMOKE_TEST_FAILED', userMessage: `The smoke test of the restored sandbox failed: ${check.value} (expected ${check.expected}). Rewind tears the sandbox down; check the restore's log and the source's backups before the next drill.` });
      }
      return { type: 'done', output: { check }, detail: check.value };
    },
  };
}
