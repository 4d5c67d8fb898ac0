/**
 * The one error type Rewind raises on purpose. Every failure a user can cause or meet carries
 * a stable code (for logs, metrics and tests), a message written for the person at the keyboard
 * (what was wrong and what to do), and whether running the same thing again can help.
 */
export class RewindError extends Error {
  readonly code: string;
  readonly userMessage: string;
  readonly retryable: boolean;
  readonly detail?: Record<string, unknown>;

  constructor(opts: { code: string; userMessage: string; retryable?: boolean; detail?: Record<string, unknown>; cause?: unknown }) {
    super(opts.userMessage, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RewindError';
    this.code = opts.code;
    this.userMessage = opts.userMessage;
    this.retryable = opts.retryable ?? false;
    this.detail = opts.detail;
  }
}

export interface ErrorRecord {
  code: string;
  message: string;
  retryable: boolean;
}

/** Turns anything thrown into the record stored on a step; unknown errors are assumed transient. */
export function toErrorRecord(err: unknown): ErrorRecord {
  if (err instanceof RewindError) return { code: err.code, message: err.userMessage, retryable: err.retryable };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'UNEXPECTED', message: `Unexpected error: ${message}`, retryable: true };
}

/** When a "not yet" error asks to be looked at again (its `detail.retryAfterMs`), if it says. */
export function retryAfterMsOf(err: RewindError): number | undefined {
  const ms = err.detail?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
