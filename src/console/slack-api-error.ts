/**
 * A refusal from the local Slack Web API, in Slack's wire shape: HTTP `status` (200 for ordinary
 * errors, as Slack does), the `error` code, and any extra fields Slack sends beside it
 * (`errors`, `response_metadata.messages`, `needed`, ...).
 */
export class SlackApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, opts: { status?: number; extra?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(code);
    this.name = 'SlackApiError';
    this.code = code;
    this.status = opts.status ?? 200;
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }

  /** The JSON body Slack returns for this error. */
  body(): Record<string, unknown> {
    return { ok: false, error: this.code, ...this.extra };
  }
}

/**
 * Slack's refusal of a payload that breaks Block Kit: `error` plus the same problems as plain
 * `errors` and as `[ERROR] …` lines in `response_metadata.messages` (both forms appear in the wild).
 */
export function blockKitError(code: string, problems: readonly string[]): SlackApiError {
  return new SlackApiError(code, {
    extra: { errors: [...problems], response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } },
  });
}

/** HTTP 429 `ratelimited` with `Retry-After` in whole seconds (at least 1), as Slack sends it. */
export function rateLimitedError(retryAfterSeconds: number): SlackApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new SlackApiError('ratelimited', { status: 429, headers: { 'Retry-After': String(seconds) } });
}
