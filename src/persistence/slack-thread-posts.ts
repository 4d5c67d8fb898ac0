import type { Queryable } from './transaction';

/**
 * The timeline replies of a run, recorded when the event happens and posted by the notifier in
 * the order they were recorded. A reply is posted at most once per row: `ts` is written as soon
 * as Slack accepted it, and a retried job only posts rows without one.
 */

export interface ThreadPost {
  id: number;
  runId: string;
  eventKey: string;
  text: string;
}

/** Records an event's reply; the same (run, key) twice is recorded once. */
export async function recordThreadPost(db: Queryable, runId: string, eventKey: string, text: string): Promise<void> {
  await db.query('INSERT INTO slack_thread_posts (run_id, event_key, text) VALUES ($1, $2, $3) ON CONFLICT (run_id, event_key) DO NOTHING', [runId, eventKey, text]);
}

export async function pendingThreadPosts(db: Queryable, runId: string, limit = 20): Promise<ThreadPost[]> {
  const { rows } = await db.query(
    'SELECT id, run_id, event_key, text FROM slack_thread_posts WHERE run_id = $1 AND ts IS NULL AND error IS NULL ORDER BY id LIMIT $2',
    [runId, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), runId: r.run_id, eventKey: r.event_key, text: r.text }));
}

export async function markThreadPosted(db: Queryable, id: number, ts: string): Promise<void> {
  await db.query('UPDATE slack_thread_posts SET ts = $2, posted_at = now() WHERE id = $1', [id, ts]);
}

/** Slack refused this reply for good (e.g. the channel is archived); it is not tried again. */
export async function markThreadFailed(db: Queryable, id: number, error: string): Promise<void> {
  await db.query('UPDATE slack_thread_posts SET error = $2 WHERE id = $1', [id, error.slice(0, 200)]);
}
