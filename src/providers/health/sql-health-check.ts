import { Client } from 'pg';
import { RewindError } from '../../recovery/errors';
import type { CheckResult, HealthCheck } from '../ports';
import { scrubSecrets, urlSecrets } from '../webhook/scrub';

export interface SqlHealthCheckOptions {
  /** A URL, or a function reading it when the check runs (e.g. from the switched secret). */
  connectionString: string | (() => Promise<string>);
  name?: string;
  /** Default `select 1`. */
  query?: string;
  /** When set, the first column of the first row, as text, must equal this. */
  expect?: string;
  /** Covers connecting and the query (default 5 s). */
  timeoutMs?: number;
}

/**
 * Runs one query against the database applications now use. Failures (no connection string,
 * refused connection, timeout, wrong value) are results with `passed: false`, never throws;
 * messages never contain the URL or its password.
 */
export class SqlHealthCheck implements HealthCheck {
  constructor(private readonly opts: SqlHealthCheckOptions) {}

  async check(): Promise<CheckResult> {
    const name = this.opts.name ?? 'SQL health check';
    const query = this.opts.query ?? 'select 1';
    const expected = this.opts.expect === undefined ? `${query} succeeds` : `${query} returns ${this.opts.expect}`;
    const timeoutMs = this.opts.timeoutMs ?? 5_000;
    let url: string;
    try {
      url = typeof this.opts.connectionString === 'string' ? this.opts.connectionString : await this.opts.connectionString();
    } catch (err) {
      // e.g. the secret could not be read: a failed check like any other, so the remaining checks still run
      const msg = err instanceof RewindError ? err.userMessage : err instanceof Error ? err.message : String(err);
      return { name, passed: false, value: scrubSecrets(`failed before connecting: could not get the connection string: ${msg}`, [], 400), expected };
    }
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'rewind-health-check',
    });
    // A failed connection emits 'error' on the client as well; without a listener it would crash.
    client.on('error', () => undefined);
    const started = Date.now();
    try {
      await client.connect();
      const res = await client.query({ text: query, rowMode: 'array' });
      const first: unknown = (res.rows[0] as unknown[] | undefined)?.[0];
      const value = first === undefined ? '(no rows)' : first === null ? 'NULL' : String(first);
      const ms = Date.now() - started;
      const passed = this.opts.expect === undefined || value === this.opts.expect;
      return { name, passed, value: `${scrubSecrets(value, urlSecrets(url), 200)} in ${ms} ms`, expected };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      return { name, passed: false, value: scrubSecrets(`failed: ${msg}`, urlSecrets(url), 200), expected };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
