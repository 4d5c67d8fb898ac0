import type { Pool } from 'pg';
import type { RetainedEntry } from '../recovery/retention-service';
import type { RetentionOutcome, RetentionPrompt, RetentionPromptStatus } from '../recovery/retention-prompt';
import { appendAudit, type Scrubber } from './audit-log';
import { withTransaction } from './transaction';

/** Session advisory lock of the retention check (the migrations use another key). */
const RETENTION_CHECK_LOCK_KEY = 727_4201;

const SELECT = `SELECT id, database, provider, resource_id, role, retain_until, retained_by, channel, message_ts, status,
                       decided_by, decided_at, outcome, updated_at FROM retention_prompts`;

function toPrompt(r: Record<string, unknown>): RetentionPrompt {
  return {
    id: String(r.id),
    database: r.database as string,
    provider: r.provider as string,
    resourceId: r.resource_id as string,
    role: r.role as RetentionPrompt['role'],
    retainUntil: r.retain_until as Date,
    retainedBy: r.retained_by as string,
    channel: r.channel as string,
    ...(r.message_ts ? { messageTs: r.message_ts as string } : {}),
    status: r.status as RetentionPromptStatus,
    ...(r.decided_by ? { decidedBy: r.decided_by as string } : {}),
    ...(r.decided_at ? { decidedAt: r.decided_at as Date } : {}),
    outcome: (r.outcome ?? {}) as RetentionOutcome,
    updatedAt: r.updated_at as Date,
  };
}

/**
 * The retention prompts. Every status change is a conditional update, so a click racing another
 * click, or the periodic check, changes a prompt at most once; asking is audited with the run
 * that kept the resource, in the same transaction as the prompt it creates.
 */
export class PgRetentionPromptStore {
  constructor(
    private readonly pool: Pool,
    private readonly scrub: Scrubber = (v) => v,
  ) {}

  /** The prompt for this resource and retain-until, created (and audited) the first time. */
  async open(entry: RetainedEntry, channel: string): Promise<{ prompt: RetentionPrompt; created: boolean }> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query(
        `INSERT INTO retention_prompts (database, provider, resource_id, role, retain_until, retained_by, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider, resource_id, retain_until) DO NOTHING RETURNING id`,
        [entry.database, entry.provider, entry.id, entry.role, entry.retainUntil, entry.retainedBy, channel],
      );
      if (rows[0]) {
        await appendAudit(
          db,
          {
            actor: 'rewind',
            action: 'retention.deletion_asked',
            runId: entry.retainedBy,
            detail: { database: entry.database, provider: entry.provider, id: entry.id, role: entry.role, retainUntil: entry.retainUntil.toISOString(), channel },
          },
          this.scrub,
        );
      }
      const found = await db.query(`${SELECT} WHERE provider = $1 AND resource_id = $2 AND retain_until = $3`, [entry.provider, entry.id, entry.retainUntil]);
      return { prompt: toPrompt(found.rows[0]), created: rows.length > 0 };
    });
  }

  async get(id: string): Promise<RetentionPrompt | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const { rows } = await this.pool.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toPrompt(rows[0]) : undefined;
  }

  /** Prompts whose question still stands or is being answered. */
  async live(): Promise<RetentionPrompt[]> {
    const { rows } = await this.pool.query(`${SELECT} WHERE status IN ('open', 'deciding') ORDER BY id`);
    return rows.map(toPrompt);
  }

  /**
   * Runs `fn` unless another retention check holds the lock (then undefined): overlapping checks
   * (a slow one and the next, or a retried one) would otherwise both post the same question.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const client = await this.pool.connect();
    // A session whose unlock failed still holds the lock: it must not go back to the pool, or
    // every later check would find the lock taken and silently do nothing.
    let unlocked = true;
    try {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [RETENTION_CHECK_LOCK_KEY]);
      if (!rows[0]?.ok) return undefined;
      try {
        return await fn();
      } finally {
        unlocked = await client.query('SELECT pg_advisory_unlock($1) AS ok', [RETENTION_CHECK_LOCK_KEY]).then(
          (r) => r.rows[0]?.ok === true,
          () => false,
        );
      }
    } finally {
      client.release(!unlocked);
    }
  }

  /** Asks somewhere else (the first channel refused the message); only before anything was posted. */
  async moveChannel(id: string, channel: string): Promise<RetentionPrompt | undefined> {
    const { rows } = await this.pool.query('UPDATE retention_prompts SET channel = $2, updated_at = now() WHERE id = $1 AND message_ts IS NULL RETURNING *', [id, channel]);
    return rows[0] ? toPrompt(rows[0]) : undefined;
  }

  async setMessage(id: string, ts: string): Promise<void> {
    await this.pool.query('UPDATE retention_prompts SET message_ts = $2, updated_at = now() WHERE id = $1 AND message_ts IS NULL', [id, ts]);
  }

  /** Takes an open prompt for one decision; undefined when it is not open (someone else decided, or is deciding). */
  async claim(id: string, actor: string): Promise<RetentionPrompt | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE retention_prompts SET status = 'deciding', decided_by = $2, decided_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, actor],
    );
    return rows[0] ? toPrompt(rows[0]) : undefined;
  }

  /**
   * Ends a decision (or a prompt the check found stale): `from` is the status the caller saw, so
   * a prompt changed meanwhile is left alone (undefined).
   */
  async settle(id: string, from: RetentionPromptStatus, to: RetentionPromptStatus, outcome: RetentionOutcome): Promise<RetentionPrompt | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE retention_prompts SET status = $3, outcome = $4, updated_at = now() WHERE id = $1 AND status = $2 RETURNING *`,
      [id, from, to, this.scrub(outcome as Record<string, unknown>)],
    );
    return rows[0] ? toPrompt(rows[0]) : undefined;
  }
}
