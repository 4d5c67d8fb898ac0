/**
 * Slack's per-method rate limits as token buckets. A bucket holds `burst` calls (default: one
 * minute's worth) and refills at `perMinute`; a call finding it empty is refused and told how
 * long until the next call fits, which becomes `Retry-After`. Refused calls cost nothing.
 */
export type RateScope = 'workspace' | 'channel';

export interface RateLimit {
  perMinute: number;
  /** Calls allowed back to back before the steady rate applies. */
  burst?: number;
  /** `workspace`: one budget per token; `channel`: one per token and channel. */
  scope?: RateScope;
}

/** Per method; `null` turns a method's limit off. */
export type RateLimits = Record<string, RateLimit | null>;

/** Slack's documented tiers, in calls per minute. */
export const SLACK_TIERS = { tier1: 1, tier2: 20, tier3: 50, tier4: 100 } as const;

/**
 * Slack's limits for the methods Rewind calls. `chat.postMessage` is Slack's "special" limit:
 * about one message a second per channel, with short bursts tolerated.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  'auth.test': { perMinute: SLACK_TIERS.tier4 },
  'chat.postMessage': { perMinute: 60, burst: 3, scope: 'channel' },
  'chat.update': { perMinute: SLACK_TIERS.tier3 },
  'chat.delete': { perMinute: SLACK_TIERS.tier3 },
  'chat.postEphemeral': { perMinute: SLACK_TIERS.tier4 },
  'views.open': { perMinute: SLACK_TIERS.tier4 },
  'views.update': { perMinute: SLACK_TIERS.tier4 },
  'views.push': { perMinute: SLACK_TIERS.tier4 },
  'users.info': { perMinute: SLACK_TIERS.tier4 },
  'conversations.info': { perMinute: SLACK_TIERS.tier3 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class SlackRateLimiter {
  private readonly limits: Record<string, RateLimit | null>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly now: () => number,
    overrides: Partial<RateLimits> = {},
  ) {
    this.limits = { ...DEFAULT_RATE_LIMITS };
    for (const [method, limit] of Object.entries(overrides)) if (limit !== undefined) this.limits[method] = limit;
  }

  limitFor(method: string): RateLimit | undefined {
    return this.limits[method] ?? undefined;
  }

  /**
   * Spends one call of `method` for this token (and channel, for channel-scoped methods).
   * Returns 0 when the call may proceed, else the seconds until it would fit.
   */
  take(method: string, token: string, channel?: string): number {
    const limit = this.limitFor(method);
    if (!limit || limit.perMinute <= 0) return 0;
    const key = limit.scope === 'channel' ? `${method}\u0000${token}\u0000${channel ?? ''}` : `${method}\u0000${token}`;
    const capacity = Math.max(1, limit.burst ?? limit.perMinute);
    const perMs = limit.perMinute / 60_000;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / perMs / 1000;
  }

  /** Forgets every bucket (budgets start full again). */
  reset(): void {
    this.buckets.clear();
  }
}
