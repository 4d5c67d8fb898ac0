import { WebClient, type WebClientOptions } from '@slack/web-api';

/** The real WebClient pointed at the local Slack, with retries off so refusals surface at once. */
export function webClient(apiUrl: string, token?: string, opts: WebClientOptions = {}): WebClient {
  return new WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, logger: quietLogger, ...opts });
}

/** The Web API error code a call was refused with (fails the test if the call succeeded). */
export async function slackError(call: Promise<unknown>): Promise<{ error: string; data: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: Record<string, unknown> }).data;
    if (data && typeof data.error === 'string') return { error: data.error, data };
    throw err;
  }
  throw new Error('expected the Slack call to be refused');
}

const noop = (): void => undefined;
const quietLogger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => 'error' as never,
  setName: noop,
};
