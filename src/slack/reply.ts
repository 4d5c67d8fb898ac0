import { redactValue } from '../observability/redact';
import { classifySlackError, type SlackClient } from './slack-api';
import type { Reply, Requester } from './slack-services';

/**
 * Replies to the person who ran a command or clicked a button: through the request's
 * response_url (works 5 times within 30 minutes), else chat.postEphemeral (chat.postMessage for a
 * reply meant for the whole channel). Never throws: a reply that cannot be delivered is counted
 * and logged, and the work it reports stands.
 */

export interface ReplyDeps {
  client: SlackClient;
  /** Origins a response_url may point at, besides https://hooks.slack.com (the fake or console). */
  responseOrigins: readonly string[];
  countError(method: string, error: string): void;
  warn(obj: object, msg: string): void;
}

/** Only Slack's own hooks (or the configured local Slack) are ever posted to: a response_url comes from a request body. */
export function isAllowedResponseUrl(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:' && parsed.hostname === 'hooks.slack.com') return true;
  return allowedOrigins.includes(parsed.origin);
}

export async function sendReply(deps: ReplyDeps, to: Requester, reply: Reply): Promise<boolean> {
  // response_url bypasses the Web API client, so it is scrubbed here the same way.
  const content = redactValue({ text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
  if (to.responseUrl && isAllowedResponseUrl(to.responseUrl, deps.responseOrigins)) {
    try {
      const res = await fetch(to.responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ response_type: reply.inChannel ? 'in_channel' : 'ephemeral', replace_original: false, ...content }),
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) return true;
      const body = (await res.json().catch(() => ({}))) as { error?: unknown };
      deps.countError('response_url', typeof body.error === 'string' ? body.error : `http_${res.status}`);
    } catch {
      deps.countError('response_url', 'request_failed');
    }
  }
  try {
    if (reply.inChannel) await deps.client.chat.postMessage({ channel: to.channel, ...content });
    else await deps.client.chat.postEphemeral({ channel: to.channel, user: to.user, ...content });
    return true;
  } catch (err) {
    const failure = classifySlackError(err);
    const method = reply.inChannel ? 'chat.postMessage' : 'chat.postEphemeral';
    deps.countError(method, failure.error);
    deps.warn({ channel: to.channel, error: failure.error }, `could not deliver a reply with ${method}`);
    return false;
  }
}
