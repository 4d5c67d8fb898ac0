import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed by
 * the app's signing secret. `timestamp` is in whole seconds, exactly as sent in
 * `X-Slack-Request-Timestamp`; `body` must be the bytes sent, unparsed.
 */
export function signSlackRequest(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The two headers Slack adds to every request it sends an app, for a body sent at `nowMs`. */
export function slackSignatureHeaders(secret: string, body: string, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': signSlackRequest(secret, timestamp, body),
  };
}
