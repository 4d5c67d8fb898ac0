import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';

/**
 * Checks every request to /slack/events before Bolt sees it: Slack's v0 signature (HMAC-SHA256
 * of `v0:<timestamp>:<raw body>` with the signing secret, compared in constant time), a
 * timestamp within 5 minutes, and no replay: a signature is accepted once (Redis SET NX, kept
 * as long as its timestamp is acceptable). Refusals answer 401 and are reported to `onRefused`
 * (the audit trail). The raw body is left on `req.rawBody`, where Bolt's receiver reads it.
 */

export type RefusalReason = 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'future_timestamp' | 'bad_signature' | 'replayed' | 'body_too_large';

export interface Refused {
  reason: RefusalReason;
  /** The user the body claims to come from (unverified), or "unknown". */
  claimedUser: string;
  retryNum?: string;
}

export interface VerifierOptions {
  signingSecret: string;
  redis: Redis;
  /** Redis key prefix (the installation's queue prefix). */
  keyPrefix: string;
  onRefused(r: Refused): Promise<void>;
  now?: () => number;
  maxBodyBytes?: number;
}

export const MAX_AGE_SECONDS = 300;

const MESSAGES: Record<RefusalReason, string> = {
  missing_signature: 'missing X-Slack-Signature or X-Slack-Request-Timestamp',
  bad_timestamp: 'X-Slack-Request-Timestamp is not a Unix time',
  stale_timestamp: 'request timestamp is more than 5 minutes old',
  future_timestamp: 'request timestamp is more than 5 minutes in the future',
  bad_signature: 'invalid request signature',
  replayed: 'this request was already received',
  body_too_large: 'request body too large',
};

export function slackRequestVerifier(o: VerifierOptions): RequestHandler {
  const now = o.now ?? Date.now;
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  return (req: Request, res: Response, next: NextFunction) => {
    void verify(req, res, next).catch(next);
  };

  async function verify(req: Request, res: Response, next: NextFunction): Promise<void> {
    const raw = await readBody(req, maxBody);
    const refuse = async (reason: RefusalReason, status = 401): Promise<void> => {
      const retryNum = header(req, 'x-slack-retry-num');
      await o.onRefused({ reason, claimedUser: claimedUser(raw), ...(retryNum ? { retryNum } : {}) }).catch(() => undefined);
      res.status(status).type('text/plain').send(`${MESSAGES[reason]}\n`);
    };
    if (raw === undefined) return refuse('body_too_large', 413);
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    if (!timestamp || !signature) return refuse('missing_signature');
    if (!/^\d{1,12}$/.test(timestamp)) return refuse('bad_timestamp');
    const age = Math.floor(now() / 1000) - Number(timestamp);
    if (age > MAX_AGE_SECONDS) return refuse('stale_timestamp');
    if (age < -MAX_AGE_SECONDS) return refuse('future_timestamp');
    const expected = Buffer.from(`v0=${createHmac('sha256', o.signingSecret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('bad_signature');
    let fresh: string | null;
    try {
      fresh = await o.redis.set(`${o.keyPrefix}:slack:seen:${signature.slice(3)}`, '1', 'EX', 2 * MAX_AGE_SECONDS, 'NX');
    } catch {
      // Without Redis a replay cannot be told from a first request; refuse rather than guess.
      res.status(503).type('text/plain').send('Rewind cannot check this request right now (Redis is unavailable); try again shortly.\n');
      return;
    }
    if (fresh === null) {
      // Slack's own retry of an event we already took: acknowledge it and do nothing twice.
      if (header(req, 'x-slack-retry-num')) {
        res.status(200).send();
        return;
      }
      return refuse('replayed');
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/** The whole body, or undefined when it is larger than `max` bytes. */
async function readBody(req: Request, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > max) tooLarge = true;
    else chunks.push(buf);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

const USER_ID = /^[UW][A-Z0-9]{6,20}$/;

/** The user a (possibly forged) body names: `user_id` of a command, `user.id` of an interaction. */
export function claimedUser(raw: Buffer | undefined): string {
  if (raw === undefined || raw.length > 64 * 1024) return 'unknown';
  try {
    const form = new URLSearchParams(raw.toString('utf8'));
    const direct = form.get('user_id');
    if (direct && USER_ID.test(direct)) return direct;
    const payload = form.get('payload');
    if (payload) {
      const id = (JSON.parse(payload) as { user?: { id?: unknown } }).user?.id;
      if (typeof id === 'string' && USER_ID.test(id)) return id;
    }
  } catch {
    // Not a form or not JSON: nobody is claimed.
  }
  return 'unknown';
}
