import { RewindError } from '../../recovery/errors';

/**
 * Header values of the form `env:NAME` are read from the environment when the request is made,
 * so tokens live in the deployment's secrets, not in rewind.yml. Resolved values are returned as
 * secrets too, for scrubbing anything shown to people.
 */
export function resolveHeaders(
  headers: Record<string, string> | undefined,
  env: Record<string, string | undefined>,
  owner: string,
): { headers: Record<string, string>; secrets: string[] } {
  const out: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw.trim());
    if (m) {
      const variable = m[1] ?? '';
      const value = env[variable];
      if (value === undefined || value === '') {
        throw new RewindError({
          code: 'ENV_VAR_MISSING',
          userMessage: `The ${owner} header '${name}' takes its value from the environment variable ${variable}, which is not set. Set ${variable} for the Rewind worker and try again.`,
          detail: { variable, header: name },
        });
      }
      out[name] = value;
      secrets.push(value);
    } else {
      out[name] = raw;
      if (/authorization|token|key|secret|password|cookie/i.test(name)) secrets.push(raw);
    }
  }
  return { headers: out, secrets };
}

export interface HttpOutcome {
  status: number;
  body: string;
  ms: number;
}

/** One HTTP exchange with a deadline. A network error or timeout comes back as a RewindError. */
export async function httpExchange(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  what: string,
): Promise<HttpOutcome> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = await res.text();
    return { status: res.status, body, ms: Date.now() - started };
  } catch (err) {
    // Duck-typed: fetch's errors (DOMException, TypeError) may come from another realm.
    const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const cause = typeof e.cause?.message === 'string' ? e.cause.message : typeof e.message === 'string' ? e.message : String(err);
    throw new RewindError({
      code: timedOut ? 'HTTP_TIMEOUT' : 'HTTP_UNREACHABLE',
      userMessage: timedOut ? `${what} did not answer within ${timeoutMs} ms.` : `${what} could not be reached (${cause}).`,
      retryable: true,
      cause: err,
    });
  }
}
