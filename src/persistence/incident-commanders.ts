import type { Pool } from 'pg';
import { appendAudit, type Scrubber } from './audit-log';
import { withTransaction, type Queryable } from './transaction';

/**
 * The incident commander a channel named with `/dr ic`. A row here overrides the channel's
 * `incidentCommander` in rewind.yml; every change is audited with who made it.
 */

export interface ChannelCommander {
  channel: string;
  userId: string;
  setBy: string;
  setAt: Date;
}

export async function getIncidentCommander(db: Queryable, channel: string): Promise<ChannelCommander | undefined> {
  const { rows } = await db.query('SELECT channel, user_id, set_by, set_at FROM channel_incident_commanders WHERE channel = $1', [channel]);
  const r = rows[0];
  return r ? { channel: r.channel, userId: r.user_id, setBy: r.set_by, setAt: r.set_at } : undefined;
}

/**
 * Sets (or replaces) the channel's incident commander; returns the one it replaced, if any
 * (`configured`, rewind.yml's, when the channel had none set here).
 */
export async function setIncidentCommander(pool: Pool, scrub: Scrubber, d: { channel: string; userId: string; actor: string; configured?: string }): Promise<string | undefined> {
  return withTransaction(pool, async (db) => {
    const before = await db.query('SELECT user_id FROM channel_incident_commanders WHERE channel = $1 FOR UPDATE', [d.channel]);
    const previous: string | undefined = before.rows[0]?.user_id ?? d.configured;
    await db.query(
      `INSERT INTO channel_incident_commanders (channel, user_id, set_by) VALUES ($1, $2, $3)
       ON CONFLICT (channel) DO UPDATE SET user_id = EXCLUDED.user_id, set_by = EXCLUDED.set_by, set_at = now()`,
      [d.channel, d.userId, d.actor],
    );
    await appendAudit(db, { actor: d.actor, action: 'channel.incident_commander_set', from: previous ?? null, to: d.userId, detail: { channel: d.channel } }, scrub);
    return previous;
  });
}
