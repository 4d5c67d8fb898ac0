import { slackSignatureHeaders } from './signing';

/**
 * Delivers one request to the app the way Slack does: a form POST, signed with the signing
 * secret, that must be answered within 3 seconds. Never rejects: a refused connection, a
 * timeout and a non-200 answer all come back as outcomes the page can show.
 */
export const SLACK_ACK_TIMEOUT_MS = 3_000;

export type BotOutcome =
  | { kind: 'answered'; status: number; contentType: string; body: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'timeout' };

export interface BotTarget {
  url: string;
  signingSecret: string;
  timeoutMs?: number;
  now?: () => number;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export async function deliverToBot(target: BotTarget, body: string): Promise<BotOutcome> {
  const timeoutMs = target.timeoutMs ?? SLACK_ACK_TIMEOUT_MS;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...slackSignatureHeaders(target.signingSecret, body, (target.now ?? Date.now)()),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    return { kind: 'answered', status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'unreachable', reason: causeOf(err) };
  }
}

/** One line for the page's error banner, or undefined when the app acknowledged (HTTP 200). */
export function describeFailure(what: string, url: string, outcome: BotOutcome, timeoutMs = SLACK_ACK_TIMEOUT_MS): string | undefined {
  switch (outcome.kind) {
    case 'timeout':
      return `${what} failed with the error "operation_timeout": the bot at ${url} did not answer within ${timeoutMs / 1000} s.`;
    case 'unreachable':
      return `${what} failed with the error "dispatch_failed": could not reach the bot at ${url} (${outcome.reason}).`;
    case 'answered': {
      if (outcome.status === 200) return undefined;
      const excerpt = outcome.body.trim().slice(0, 200);
      return `${what} failed with the error "dispatch_failed": the bot at ${url} answered HTTP ${outcome.status}${excerpt ? `: ${excerpt}` : ''}.`;
    }
  }
}

/** The JSON object an app acknowledged with, if its answer was one. */
export function ackJson(outcome: BotOutcome): Record<string, unknown> | undefined {
  if (outcome.kind !== 'answered' || outcome.body.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(outcome.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
