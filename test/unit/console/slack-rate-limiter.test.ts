import { DEFAULT_RATE_LIMITS, SlackRateLimiter } from '../../../src/console/slack-rate-limiter';

describe('SlackRateLimiter', () => {
  it('uses Slack\'s tiers by default', () => {
    expect(DEFAULT_RATE_LIMITS['chat.update']).toEqual({ perMinute: 50 });
    expect(DEFAULT_RATE_LIMITS['chat.postMessage']).toMatchObject({ perMinute: 60, scope: 'channel' });
  });

  it('refills at the steady rate and says how long until the next call fits', () => {
    let t = 0;
    const limiter = new SlackRateLimiter(() => t, { 'chat.update': { perMinute: 6, burst: 2 } });
    expect(limiter.take('chat.update', 'tok')).toBe(0);
    expect(limiter.take('chat.update', 'tok')).toBe(0);
    expect(limiter.take('chat.update', 'tok')).toBeCloseTo(10);
    t += 4_000;
    expect(limiter.take('chat.update', 'tok')).toBeCloseTo(6);
    t += 6_000;
    expect(limiter.take('chat.update', 'tok')).toBe(0);
    expect(limiter.take('chat.update', 'other-token')).toBe(0);
  });

  it('keeps one budget per channel for channel-scoped methods, and none for unlisted methods', () => {
    const limiter = new SlackRateLimiter(() => 0, { 'chat.postMessage': { perMinute: 60, burst: 1, scope: 'channel' } });
    expect(limiter.take('chat.postMessage', 'tok', 'C1')).toBe(0);
    expect(limiter.take('chat.postMessage', 'tok', 'C1')).toBeCloseTo(1);
    expect(limiter.take('chat.postMessage', 'tok', 'C2')).toBe(0);
    for (let i = 0; i < 1000; i += 1) expect(limiter.take('team.info', 'tok')).toBe(0);
  });
});
