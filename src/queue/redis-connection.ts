import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ workers block on Redis and need `maxRetriesPerRequest: null`; reconnects keep trying
 * every second at most, so a restarted Redis is picked up again without a restart of Rewind.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(1000, 50 * times),
    ...opts,
  });
}
