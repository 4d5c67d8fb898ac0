import type { RunPath } from '../recovery/run';
import { ACTIVE_RUN_STATUSES } from '../recovery/run';
import type { Queryable } from './transaction';

/** Read-only queries the Slack notifier needs beyond the run store's. */

/** Durations (ms) of the latest successful runs of a database on a path, newest first, for the ETA. */
export async function recentDurations(db: Queryable, database: string, path: RunPath, limit = 10): Promise<number[]> {
  const { rows } = await db.query(
    `SELECT (EXTRACT(EPOCH FROM finished_at - created_at) * 1000)::float8 AS ms FROM runs
      WHERE database = $1 AND path = $2 AND status = 'succeeded' AND finished_at IS NOT NULL
      ORDER BY created_at DESC LIMIT $3`,
    [database, path, limit],
  );
  return rows.map((r) => Number(r.ms)).filter((ms) => Number.isFinite(ms) && ms > 0);
}

/**
 * Runs whose live message needs a refresh: active ones not updated for `staleMs`, finished ones
 * (within the last hour) whose message does not show their final status yet, and any with
 * timeline replies still to post. Only runs started in a channel have a message.
 */
export async function runsNeedingRefresh(db: Queryable, staleMs: number, now: Date): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT r.id FROM runs r
      WHERE r.channel IS NOT NULL AND (
        (r.status = ANY($1) AND (r.meta->'slack'->>'at' IS NULL OR (r.meta->'slack'->>'at')::bigint <= $2))
        OR (r.status <> ALL($1) AND r.updated_at > $3::timestamptz - interval '1 hour' AND (r.meta->'slack'->>'status') IS DISTINCT FROM r.status)
        OR EXISTS (SELECT 1 FROM slack_thread_posts p WHERE p.run_id = r.id AND p.ts IS NULL AND p.error IS NULL)
      )
      ORDER BY r.created_at LIMIT 500`,
    [ACTIVE_RUN_STATUSES, now.getTime() - staleMs, now],
  );
  return rows.map((r) => r.id as string);
}

/** Active runs started in a channel (their messages show the channel's incident commander). */
export async function activeRunsInChannel(db: Queryable, channel: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM runs WHERE channel = $1 AND status = ANY($2)', [channel, ACTIVE_RUN_STATUSES]);
  return rows.map((r) => r.id as string);
}
