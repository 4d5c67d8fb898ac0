import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The AWS Query protocol as an HTTP server: form-encoded `Action=…&Version=…` requests, XML
 * `<ActionResponse><ActionResult>…` answers and `<ErrorResponse>` errors. Services plug in a
 * handler per action. Keeps a call log and lets tests inject throttling, errors and hooks.
 */

export class FakeAwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type QueryParams = Record<string, unknown>;
export type ActionHandler = (params: QueryParams) => Record<string, unknown>;

export interface LoggedCall {
  action: string;
  params: QueryParams;
  error?: string;
}

/** Decodes `A.Member.1.Key=v` into `{ A: [{ Key: 'v' }] }`; every leaf stays a string. */
export function parseQueryForm(body: string): QueryParams {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node = root;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) node[p] = value;
      else node = (node[p] ??= {}) as Record<string, unknown>;
    });
  }
  return normalize(root) as QueryParams;
}

function normalize(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => normalize(obj[k]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalize(obj[k]);
  const only = keys.length === 1 ? out[keys[0] as string] : undefined;
  return Array.isArray(only) ? only : out; // `{ Tag: [...] }` is the list's member wrapper
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `listMembers` names the element of each list field (TagList → Tag). */
export function toXml(name: string, value: unknown, listMembers: Record<string, string>): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml(listMembers[name] ?? 'member', v, listMembers)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v, listMembers)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export class AwsQueryServer {
  readonly calls: LoggedCall[] = [];
  private server?: Server;
  private readonly throttles = new Map<string, number>();
  private readonly failures = new Map<string, FakeAwsError[]>();
  private readonly hooks = new Map<string, (() => void)[]>();
  private readonly lostAnswers = new Map<string, FakeAwsError[]>();

  constructor(
    private readonly xmlns: string,
    private readonly handlers: Record<string, ActionHandler>,
    private readonly listMembers: Record<string, string>,
  ) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const { status, xml } = this.dispatch(body);
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
        res.end(xml);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls of `action` answer `Throttling` (HTTP 400, as RDS does). */
  throttle(action: string, times: number): void {
    this.throttles.set(action, times);
  }

  failNext(action: string, code: string, message = `${code} (injected)`, status = 400): void {
    const list = this.failures.get(action) ?? [];
    list.push(new FakeAwsError(code, message, status));
    this.failures.set(action, list);
  }

  /** The next `action` is carried out, but its answer is this error (a 5xx after the work, a lost response). */
  failAfterNext(action: string, code: string, message = `${code} (injected)`, status = 500): void {
    this.lostAnswers.set(action, [...(this.lostAnswers.get(action) ?? []), new FakeAwsError(code, message, status)]);
  }

  /** Runs `fn` once, just before the next `action` is handled. */
  beforeNext(action: string, fn: () => void): void {
    this.hooks.set(action, [...(this.hooks.get(action) ?? []), fn]);
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  /** Actions that are not read-only (anything but Describe*, List*, Get*). */
  mutatingCalls(): LoggedCall[] {
    return this.calls.filter((c) => !/^(Describe|List|Get)/.test(c.action));
  }

  private dispatch(body: string): { status: number; xml: string } {
    const params = parseQueryForm(body);
    const action = String(params.Action ?? '');
    const call: LoggedCall = { action, params };
    this.calls.push(call);
    try {
      const hook = this.hooks.get(action)?.shift();
      hook?.();
      const left = this.throttles.get(action) ?? 0;
      if (left > 0) {
        this.throttles.set(action, left - 1);
        throw new FakeAwsError('Throttling', 'Rate exceeded');
      }
      const injected = this.failures.get(action)?.shift();
      if (injected) throw injected;
      const handler = this.handlers[action];
      if (!handler) throw new FakeAwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
      const result = handler(params);
      const lost = this.lostAnswers.get(action)?.shift();
      if (lost) throw lost;
      const inner = Object.entries(result).map(([k, v]) => toXml(k, v, this.listMembers)).join('');
      const xml =
        `<${action}Response xmlns="${this.xmlns}"><${action}Result>${inner}</${action}Result>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
      return { status: 200, xml };
    } catch (err) {
      const e = err instanceof FakeAwsError ? err : new FakeAwsError('InternalFailure', String(err), 500);
      call.error = e.code;
      const type = e.status >= 500 ? 'Receiver' : 'Sender';
      const xml =
        `<ErrorResponse xmlns="${this.xmlns}"><Error><Type>${type}</Type><Code>${e.code}</Code>` +
        `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
      return { status: e.status, xml };
    }
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
