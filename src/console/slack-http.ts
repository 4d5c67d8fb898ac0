import type { IncomingMessage, ServerResponse } from 'node:http';
import { SlackApiError } from './slack-api-error';
import type { Args } from './slack-args';

/**
 * The wire side of the local Slack: `POST|GET /api/<method>` with a form (`blocks` as JSON
 * text) or JSON body and the token as `Authorization: Bearer` (or a `token` form/query field;
 * a JSON body's `token` is ignored, as Slack ignores it), and `POST /response/<id>` for
 * response URLs. Answers are JSON; Web API errors use HTTP 200 except 429 `ratelimited`.
 */
export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface SlackHttpBackend {
  call(method: string, args: Args, token: string | undefined): ApiResult;
  respond(id: string, payload: Args): ApiResult;
}

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new SlackApiError('request_too_large', { status: 413 });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Arguments from the query string and body; a query or form `token` is returned apart. */
export function parseArgs(req: IncomingMessage, raw: string, query: URLSearchParams): { args: Args; bodyToken?: string } {
  const args: Args = Object.fromEntries(query);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) {
    // arguments, if any, came in the query string
  } else if (type === 'application/x-www-form-urlencoded') {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  } else if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    const { token: _ignored, ...rest } = parsed as Args;
    Object.assign(args, rest);
  } else {
    throw new SlackApiError(type === '' ? 'missing_post_type' : 'invalid_post_type');
  }
  const { token, ...rest } = args;
  return typeof token === 'string' ? { args: rest, bodyToken: token } : { args: rest };
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function send(res: ServerResponse, result: ApiResult): void {
  const body = JSON.stringify(result.body);
  res.writeHead(result.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...result.headers,
  });
  res.end(body);
}

function refusal(err: unknown): ApiResult {
  if (err instanceof SlackApiError) return { status: err.status, body: err.body(), headers: err.headers };
  return { status: 500, body: { ok: false, error: 'internal_error' }, headers: {} };
}

/** A response URL accepts JSON, or a form whose `payload` field holds the JSON. */
function responsePayload(req: IncomingMessage, raw: string): Args {
  let args: Args;
  try {
    args = parseArgs(req, raw, new URLSearchParams()).args;
  } catch (err) {
    throw err instanceof SlackApiError ? new SlackApiError(err.code, { status: 400 }) : err;
  }
  if (typeof args.payload !== 'string') return args;
  try {
    const parsed: unknown = JSON.parse(args.payload);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Args;
  } catch {
    // falls through to the refusal below
  }
  throw new SlackApiError('invalid_payload', { status: 400 });
}

/** Routes one HTTP request to the backend; never rejects. */
export async function handleSlackHttp(backend: SlackHttpBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const response = /^\/response\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) {
      const raw = await readBody(req);
      let parsed: { args: Args; bodyToken?: string };
      try {
        parsed = parseArgs(req, raw, url.searchParams);
      } catch (err) {
        return send(res, refusal(err));
      }
      return send(res, backend.call(api[1], parsed.args, bearer(req) ?? parsed.bodyToken));
    }
    if (response?.[1] && req.method === 'POST') {
      const raw = await readBody(req);
      return send(res, backend.respond(response[1], responsePayload(req, raw)));
    }
    send(res, { status: 404, body: { ok: false, error: 'not_found' }, headers: {} });
  } catch (err) {
    if (!res.headersSent) send(res, refusal(err));
    else res.destroy();
  }
}
