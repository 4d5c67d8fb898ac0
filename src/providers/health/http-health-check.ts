import type { CheckResult, HealthCheck } from '../ports';
import { RewindError } from '../../recovery/errors';
import { httpExchange, resolveHeaders } from '../webhook/http-request';
import { displayUrl, scrubSecrets } from '../webhook/scrub';

export interface HttpHealthCheckOptions {
  url: string;
  name?: string;
  method?: string;
  /** Literal values or `env:VAR`, as for webhooks. */
  headers?: Record<string, string>;
  /** Accepted statuses; default any 2xx. */
  expectStatus?: number[];
  /** The body must contain this text (a string) or match this pattern. */
  bodyMatch?: string | RegExp;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Further attempts after a failed one (default 2), `retryDelayMs` apart (default 1 s). */
  retries?: number;
  retryDelayMs?: number;
  env?: Record<string, string | undefined>;
}

/**
 * Probes an application after cutover. A failed probe is a result (`passed: false`), not an
 * exception; only configuration problems (a missing header variable) throw.
 */
export class HttpHealthCheck implements HealthCheck {
  constructor(private readonly opts: HttpHealthCheckOptions) {}

  async check(): Promise<CheckResult> {
    const name = this.opts.name ?? `HTTP ${displayUrl(this.opts.url)}`;
    const expected = this.expected();
    const attempts = 1 + Math.max(0, this.opts.retries ?? 2);
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 1_000));
      const outcome = await this.once();
      if (outcome.passed) return { name, passed: true, value: outcome.value, expected };
      last = outcome.value;
    }
    return { name, passed: false, value: attempts > 1 ? `${last} (after ${attempts} attempts)` : last, expected };
  }

  private async once(): Promise<{ passed: boolean; value: string }> {
    const { headers, secrets } = resolveHeaders(this.opts.headers, this.opts.env ?? process.env, 'health check');
    const timeoutMs = this.opts.timeoutMs ?? 5_000;
    let res;
    try {
      res = await httpExchange(this.opts.url, { method: this.opts.method ?? 'GET', headers }, timeoutMs, displayUrl(this.opts.url));
    } catch (err) {
      if (err instanceof RewindError) return { passed: false, value: err.userMessage };
      throw err;
    }
    const statusOk = this.opts.expectStatus ? this.opts.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
    const match = this.opts.bodyMatch;
    const bodyOk = match === undefined || (typeof match === 'string' ? res.body.includes(match) : match.test(res.body));
    const value = `HTTP ${res.status} in ${res.ms} ms`;
    if (statusOk && bodyOk) return { passed: true, value };
    const why = statusOk ? 'body did not match' : 'unexpected status';
    return { passed: false, value: `${value}, ${why}: ${scrubSecrets(res.body.trim() || '(empty body)', secrets, 200)}` };
  }

  private expected(): string {
    const status = this.opts.expectStatus ? `HTTP ${this.opts.expectStatus.join('/')}` : 'HTTP 2xx';
    const m = this.opts.bodyMatch;
    if (m === undefined) return status;
    return `${status} with body ${typeof m === 'string' ? `containing "${m}"` : `matching ${String(m)}`}`;
  }
}
