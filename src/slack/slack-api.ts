import { webApi } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import { redactValue } from '../observability/redact';

/**
 * The Web API client Rewind's workers use, and how its failures are told apart. Retries and
 * rate-limit waits are Rewind's job (the message queue pauses for a 429's Retry-After), so the
 * client itself never retries and never waits.
 */
export type SlackClient = webApi.WebClient;

export interface SlackClientOptions {
  token: string;
  /** Base URL of the Web API ("https://slack.com/api/", a test fake, the local console). */
  apiUrl?: string;
  logger?: BoltLogger;
  timeoutMs?: number;
}

/**
 * Every Web API call passes here: what Rewind sends to Slack is scrubbed of tokens and
 * connection-string passwords on the way out, whichever message builder produced it.
 */
class ScrubbingWebClient extends webApi.WebClient {
  override apiCall(method: string, options: Record<string, unknown> = {}): Promise<webApi.WebAPICallResult> {
    const { token, ...rest } = options;
    return super.apiCall(method, { ...redactValue(rest), ...(token === undefined ? {} : { token }) });
  }
}

export function createSlackClient(o: SlackClientOptions): SlackClient {
  return new ScrubbingWebClient(o.token, {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: o.timeoutMs ?? 10_000,
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

/** What a failed call means for the caller: wait and retry, give up, or retry later. */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; error: 'ratelimited' }
  | { kind: 'refused'; error: string }
  | { kind: 'transient'; error: string };

/** Slack error codes that may succeed on a later try; every other `ok: false` is final. */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'team_added_to_org']);

export function classifySlackError(err: unknown): SlackFailure {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RateLimitedError) return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(e.retryAfter ?? 1)) * 1000, error: 'ratelimited' };
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const error = String(e.data?.error ?? 'unknown_error');
    return TRANSIENT_ERRORS.has(error) ? { kind: 'transient', error } : { kind: 'refused', error };
  }
  if (e?.code === webApi.ErrorCode.HTTPError) return { kind: 'transient', error: `http_${e.statusCode ?? 'error'}` };
  return { kind: 'transient', error: 'request_failed' };
}

/** Thrown by the notifier on a 429 so the message worker can pause the whole queue for Retry-After. */
export class SlackRateLimited extends Error {
  constructor(
    readonly method: string,
    readonly retryAfterMs: number,
  ) {
    super(`${method} was rate limited by Slack; retrying after ${retryAfterMs} ms`);
    this.name = 'SlackRateLimited';
  }
}
