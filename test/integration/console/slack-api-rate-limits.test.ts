import { WebClientEvent } from '@slack/web-api';
import { startFakeSlack, type RunningFakeSlack } from '../../fakes/slack-api';
import { webClient } from './web-client';

/** The WebClient error for a 429 when `rejectRateLimitedCalls` is on. */
async function rateLimited(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; retryAfter?: number };
    if (e.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') return e.retryAfter;
    throw err;
  }
  throw new Error('expected a 429');
}

describe('local Slack rate limits', () => {
  let s: RunningFakeSlack;
  let t: number;
  afterEach(() => s.close());

  describe('on a hand-driven clock', () => {
    beforeEach(async () => {
      t = 1_700_000_000_000;
      s = await startFakeSlack({ now: () => t });
    });

    it('allows chat.update about 50 times a minute per token, then answers 429 with Retry-After', async () => {
      const client = webClient(s.apiUrl, s.token, { rejectRateLimitedCalls: true });
      const { ts } = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'live' });
      for (let i = 0; i < 50; i += 1) await client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: `tick ${i}` });
      expect(await rateLimited(client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'one too many' }))).toBe(2);
      expect(s.slack.message('general', ts as string)?.text).toBe('tick 49');
      expect(s.slack.calls('chat.update').at(-1)).toMatchObject({ status: 429, ok: false, error: 'ratelimited' });

      s.slack.workspace.addToken('xoxb-other-install');
      const other = webClient(s.apiUrl, 'xoxb-other-install', { rejectRateLimitedCalls: true });
      await expect(other.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'other budget' })).resolves.toMatchObject({ ok: true });

      t += 1_200;
      await expect(client.chat.update({ channel: 'C0GENERAL', ts: ts as string, text: 'after waiting' })).resolves.toMatchObject({ ok: true });
    });

    it('allows chat.postMessage about once a second per channel after a short burst', async () => {
      const client = webClient(s.apiUrl, s.token, { rejectRateLimitedCalls: true });
      for (let i = 0; i < 3; i += 1) await client.chat.postMessage({ channel: 'C0GENERAL', text: `burst ${i}` });
      expect(await rateLimited(client.chat.postMessage({ channel: 'general', text: 'too fast' }))).toBe(1);
      await expect(client.chat.postMessage({ channel: 'C0DROPS01', text: 'another channel' })).resolves.toMatchObject({ ok: true });
      t += 1_000;
      await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'next second' })).resolves.toMatchObject({ ok: true });
      expect(await rateLimited(client.chat.postMessage({ channel: 'C0GENERAL', text: 'too fast again' }))).toBe(1);
    });

    it('sends HTTP 429, Retry-After and ratelimited on the wire', async () => {
      s.slack.failNext('chat.postMessage', { retryAfter: 30 });
      const res = await fetch(`${s.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
        body: JSON.stringify({ channel: 'C0GENERAL', text: 'x' }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    });
  });

  it('takes its limits from the options, and null switches one off', async () => {
    s = await startFakeSlack({ rateLimits: { 'users.info': { perMinute: 2 }, 'chat.postMessage': null } });
    const client = webClient(s.apiUrl, s.token, { rejectRateLimitedCalls: true });
    await client.users.info({ user: 'U0BOB0001' });
    await client.users.info({ user: 'U0BOB0001' });
    expect(await rateLimited(client.users.info({ user: 'U0BOB0001' }))).toBe(30);
    for (let i = 0; i < 10; i += 1) await client.chat.postMessage({ channel: 'C0GENERAL', text: `${i}` });
  });

  it('lets a WebClient that honours Retry-After through once the wait is over', async () => {
    s = await startFakeSlack({ rateLimits: { 'chat.postMessage': { perMinute: 60, burst: 1, scope: 'channel' } } });
    const client = webClient(s.apiUrl, s.token, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'first' });
    const started = Date.now();
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'second' })).resolves.toMatchObject({ ok: true });
    expect(waits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.slack.calls('chat.postMessage').map((c) => c.status)).toEqual([200, 429, 200]);
  });
});
