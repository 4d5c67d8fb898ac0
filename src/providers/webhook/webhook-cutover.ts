import type { Cutover, CutoverRecord, Endpoint } from '../ports';
import { RewindError } from '../../recovery/errors';
import { httpExchange, resolveHeaders } from './http-request';
import { displayUrl, scrubSecrets, urlSecrets } from './scrub';
import { checkTemplate, expandTemplate, templateValues, type Escape } from './template';

export const WEBHOOK_CUTOVER = 'webhook';

export interface WebhookRequestTemplate {
  /** May contain placeholders; they are URL-encoded. */
  url: string;
  method?: string;
  /** Literal values, or `env:VAR` to read the value from the environment at call time. */
  headers?: Record<string, string>;
  /** `{{host}}`, `{{port}}`, `{{database}}`, `{{url}}`; JSON-escaped when Content-Type is JSON. */
  body?: string;
}

export interface WebhookCutoverOptions {
  /** Shown in plans and messages, e.g. "service registry". */
  name?: string;
  request: WebhookRequestTemplate;
  /** Called by rollback() with the endpoint that apply() announced; without it rollback refuses. */
  rollbackRequest?: WebhookRequestTemplate;
  /** Accepted statuses; default any 2xx. */
  expectStatus?: number[];
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export interface WebhookCutoverRecord extends CutoverRecord {
  kind: typeof WEBHOOK_CUTOVER;
  status: number;
  /** Without `url`, which may hold a password. */
  endpoint: { host: string; port: number; database?: string };
  idempotencyKey: string;
}

/**
 * Tells another system about the new database with one HTTP call. The request carries an
 * `Idempotency-Key` header; the receiver must treat a repeat with the same key as the same call.
 */
export class WebhookCutover implements Cutover {
  private readonly name: string;

  constructor(private readonly opts: WebhookCutoverOptions) {
    this.name = opts.name ?? 'webhook';
    for (const [tpl, where] of [
      [opts.request, 'request'],
      ...(opts.rollbackRequest ? [[opts.rollbackRequest, 'rollback request'] as const] : []),
    ] as const) {
      checkTemplate(tpl.url, `${where} URL`);
      if (tpl.body !== undefined) checkTemplate(tpl.body, `${where} body`);
    }
  }

  async plan(endpoint: Endpoint): Promise<string> {
    // Resolving now surfaces a missing environment variable before anyone approves.
    resolveHeaders(this.opts.request.headers, this.env(), this.name);
    const method = this.opts.request.method ?? 'POST';
    const target = displayUrl(expandTemplate(this.opts.request.url, templateValues(endpoint), 'url'));
    return `${this.name}: ${method} ${target} announcing ${endpoint.host}:${endpoint.port}${endpoint.database ? `/${endpoint.database}` : ''}`;
  }

  async apply(endpoint: Endpoint, idempotencyKey: string): Promise<WebhookCutoverRecord> {
    const status = await this.call(this.opts.request, endpoint, idempotencyKey, 'cutover');
    const { host, port, database } = endpoint;
    return { kind: WEBHOOK_CUTOVER, status, endpoint: { host, port, ...(database ? { database } : {}) }, idempotencyKey };
  }

  async rollback(record: CutoverRecord): Promise<void> {
    const r = record as Partial<WebhookCutoverRecord>;
    if (r.kind !== WEBHOOK_CUTOVER || !r.endpoint || typeof r.idempotencyKey !== 'string') {
      throw new RewindError({ code: 'BAD_CUTOVER_RECORD', userMessage: `Internal error: a ${String(record.kind)} record was given to the webhook cutover.` });
    }
    if (!this.opts.rollbackRequest) {
      throw new RewindError({
        code: 'WEBHOOK_NO_ROLLBACK',
        userMessage: `The ${this.name} cutover has no rollback request configured, so Rewind cannot undo it. Tell the receiver by hand that ${r.endpoint.host}:${r.endpoint.port} is no longer current.`,
      });
    }
    await this.call(this.opts.rollbackRequest, r.endpoint, `${r.idempotencyKey}:rollback`, 'rollback');
  }

  private async call(tpl: WebhookRequestTemplate, endpoint: Endpoint, idempotencyKey: string, purpose: string): Promise<number> {
    const { headers, secrets } = resolveHeaders(tpl.headers, this.env(), this.name);
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    const escape: Escape = contentType === undefined || /json/i.test(contentType) ? 'json' : 'none';
    const values = templateValues(endpoint);
    const url = expandTemplate(tpl.url, values, 'url');
    const body = tpl.body === undefined ? undefined : expandTemplate(tpl.body, values, escape);
    const method = (tpl.method ?? 'POST').toUpperCase();
    const hidden = [...secrets, ...urlSecrets(endpoint.url)];
    const what = `The ${this.name} ${purpose} call (${method} ${displayUrl(url)})`;
    const res = await httpExchange(
      url,
      {
        method,
        headers: { ...(body !== undefined && contentType === undefined ? { 'content-type': 'application/json' } : {}), ...headers, 'idempotency-key': idempotencyKey },
        body,
      },
      this.opts.timeoutMs ?? 10_000,
      what,
    );
    const ok = this.opts.expectStatus ? this.opts.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) {
      const shown = scrubSecrets(res.body.trim() || '(empty body)', hidden);
      throw new RewindError({
        code: 'WEBHOOK_FAILED',
        userMessage: `${what} failed with HTTP ${res.status}: ${shown}`,
        retryable: res.status >= 500 || res.status === 429,
        detail: { status: res.status },
      });
    }
    return res.status;
  }

  private env(): Record<string, string | undefined> {
    return this.opts.env ?? process.env;
  }
}
