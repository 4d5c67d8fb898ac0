import { formatDuration } from '../../config/duration';
import { Client, type ClientConfig } from 'pg';
import type { CheckResult, Endpoint, RestoreTarget, Validator } from '../ports';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * What the first column of the first row must be: compared with `value` (numerically when
 * `value` is a number), or a timestamp no older than `maxAgeBeforeTarget` ms before the target
 * and not after it (a row from after the target means the restore went too far).
 */
export type SqlExpectation = { op: ComparisonOp; value: number | string | boolean } | { maxAgeBeforeTarget: number };

export interface SqlCheck {
  name: string;
  sql: string;
  expect: SqlExpectation;
}

export interface SqlValidatorOptions {
  checks: SqlCheck[];
  /** Adds the built-in `pg_stat_database.checksum_failures = 0` check (default true). */
  checksumCheck?: boolean;
  /** Used when the endpoint has no url. */
  user?: string;
  password?: string;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export const CHECKSUM_CHECK_NAME = 'checksum_failures';

const CHECKSUM_SQL = `SELECT CASE WHEN current_setting('data_checksums')::bool
  THEN coalesce(sum(checksum_failures), 0)::text ELSE 'data checksums disabled' END FROM pg_stat_database`;

/**
 * Runs SQL checks against a restored endpoint, each in its own read-only transaction with a
 * statement timeout. A failing query is a failed check (with the error as value), not a throw;
 * only an endpoint that cannot be reached throws.
 */
export class SqlValidator implements Validator {
  constructor(private readonly opts: SqlValidatorOptions) {}

  async validate(endpoint: Endpoint, target: RestoreTarget): Promise<CheckResult[]> {
    const client = new Client(this.clientConfig(endpoint));
    client.on('error', () => undefined);
    await client.connect();
    try {
      const results: CheckResult[] = [];
      if (this.opts.checksumCheck ?? true) results.push(await this.checksumCheck(client));
      for (const check of this.opts.checks) results.push(await this.run(client, check, target));
      return results;
    } finally {
      await client.end();
    }
  }

  private clientConfig(endpoint: Endpoint): ClientConfig {
    const common = { connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 10_000 };
    if (endpoint.url) return { connectionString: endpoint.url, ...common };
    return { host: endpoint.host, port: endpoint.port, database: endpoint.database ?? 'postgres', user: this.opts.user ?? 'postgres', ...(this.opts.password ? { password: this.opts.password } : {}), ...common };
  }

  private async checksumCheck(client: Client): Promise<CheckResult> {
    const got = await this.firstValue(client, CHECKSUM_SQL);
    if ('error' in got) return { name: CHECKSUM_CHECK_NAME, passed: false, value: got.error, expected: '0' };
    const value = show(got.value);
    return { name: CHECKSUM_CHECK_NAME, passed: value === '0' || value === 'data checksums disabled', value, expected: '0' };
  }

  private async run(client: Client, check: SqlCheck, target: RestoreTarget): Promise<CheckResult> {
    const got = await this.firstValue(client, check.sql);
    const { expect } = check;
    if ('maxAgeBeforeTarget' in expect) {
      const ref = await this.referenceTime(client, target);
      const expected = `between ${new Date(ref.getTime() - expect.maxAgeBeforeTarget).toISOString()} and ${ref.toISOString()} (at most ${formatDuration(expect.maxAgeBeforeTarget)} before the target)`;
      if ('error' in got) return { name: check.name, passed: false, value: got.error, expected };
      const at = got.value instanceof Date ? got.value : typeof got.value === 'string' ? new Date(got.value) : undefined;
      if (!at || Number.isNaN(at.getTime())) return { name: check.name, passed: false, value: show(got.value), expected };
      const age = ref.getTime() - at.getTime();
      return { name: check.name, passed: age >= 0 && age <= expect.maxAgeBeforeTarget, value: at.toISOString(), expected };
    }
    const expected = `${expect.op} ${String(expect.value)}`;
    if ('error' in got) return { name: check.name, passed: false, value: got.error, expected };
    return { name: check.name, passed: compare(got.value, expect.op, expect.value), value: show(got.value), expected };
  }

  /** The target time, or for latest/backup targets the last transaction the restore replayed. */
  private async referenceTime(client: Client, target: RestoreTarget): Promise<Date> {
    if (target.kind === 'time') return target.at;
    const got = await this.firstValue(client, 'SELECT coalesce(pg_last_xact_replay_timestamp(), now())');
    return 'value' in got && got.value instanceof Date ? got.value : new Date();
  }

  private async firstValue(client: Client, sql: string): Promise<{ value: unknown } | { error: string }> {
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.opts.statementTimeoutMs ?? 30_000))}`);
      const res = await client.query({ text: sql, rowMode: 'array' });
      const row = res.rows[0] as unknown[] | undefined;
      if (!row || row.length === 0) return { error: 'no rows' };
      return { value: row[0] };
    } catch (err) {
      return { error: `error: ${(err as Error).message}` };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function compare(actual: unknown, op: ComparisonOp, expected: number | string | boolean): boolean {
  if (actual === null || actual === undefined) return false;
  let a: number | string;
  let e: number | string;
  if (typeof expected === 'number') {
    a = Number(show(actual));
    e = expected;
    if (Number.isNaN(a)) return false;
  } else {
    a = show(actual);
    e = String(expected);
  }
  switch (op) {
    case '=':
      return a === e;
    case '!=':
      return a !== e;
    case '<':
      return a < e;
    case '<=':
      return a <= e;
    case '>':
      return a > e;
    case '>=':
      return a >= e;
  }
}
