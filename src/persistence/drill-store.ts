import type { Pool } from 'pg';
import type { DrillOnRecord, DrillRecordOf } from '../drills/compliance';
import type { Drill, DrillReport, TeardownStatus } from '../drills/drill';
import type { DrillDecision, DrillStore, NewDrill } from '../drills/drill-ports';
import { RewindError } from '../recovery/errors';
import { appendAudit, type Scrubber } from './audit-log';
import { DRILL_SELECT, newDrillId, toDrill } from './drill-rows';
import { withTransaction, type Queryable } from './transaction';

/**
 * PostgreSQL implementation of the drill store. Status changes are conditional updates
 * (`WHERE status = 'announced'`), so a click racing the start, or two workers racing each other,
 * change a drill at most once; each change and its audit row commit together.
 */
export class PgDrillStore implements DrillStore {
  constructor(
    readonly pool: Pool,
    private readonly scrub: Scrubber = (v) => v,
  ) {}

  async insert(d: NewDrill): Promise<{ drill: Drill; created: boolean }> {
    const { rows } = await this.pool.query(
      `INSERT INTO drills (id, database, kind, trigger, status, channel, scheduled_for, starts_at, requested_by, note, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $5 = 'cancelled' THEN now() END)
       ON CONFLICT (database, kind, scheduled_for) WHERE scheduled_for IS NOT NULL DO NOTHING RETURNING id`,
      [newDrillId(), d.database, d.kind, d.trigger, d.status, d.channel, d.scheduledFor, d.startsAt, d.requestedBy, d.note ?? null],
    );
    if (rows[0]) return { drill: (await this.get(rows[0].id)) as Drill, created: true };
    const existing = await this.one(`${DRILL_SELECT} WHERE d.database = $1 AND d.kind = $2 AND d.scheduled_for = $3`, [d.database, d.kind, d.scheduledFor]);
    if (!existing) throw new Error(`drill for ${d.database} at ${d.scheduledFor?.toISOString()} neither inserted nor found`);
    return { drill: existing, created: false };
  }

  get(id: string): Promise<Drill | undefined> {
    return this.one(`${DRILL_SELECT} WHERE d.id = $1`, [id]);
  }

  byRun(runId: string): Promise<Drill | undefined> {
    return this.one(`${DRILL_SELECT} WHERE d.run_id = $1`, [runId]);
  }

  find(idOrRunId: string): Promise<Drill | undefined> {
    return this.one(`${DRILL_SELECT} WHERE d.id = $1 OR d.run_id = $1`, [idOrRunId]);
  }

  async setAnnouncement(id: string, ts: string): Promise<void> {
    await this.pool.query('UPDATE drills SET announcement_ts = $2, updated_at = now() WHERE id = $1', [id, ts]);
  }

  async decide(id: string, decision: DrillDecision): Promise<Drill> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query('SELECT * FROM drills WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) throw new RewindError({ code: 'DRILL_NOT_FOUND', userMessage: `There is no drill ${id}. /dr drills lists each database's drills.` });
      if (row.status !== 'announced') {
        throw new RewindError({ code: 'DRILL_NOT_ANNOUNCED', userMessage: `Drill ${id} of ${row.database} is already ${row.status}; nothing was changed.` });
      }
      if (decision.type === 'skip') {
        await db.query(`UPDATE drills SET status = 'skipped', note = $2, decided_by = $3, finished_at = now(), updated_at = now() WHERE id = $1`, [id, decision.reason, decision.actor]);
      } else {
        await db.query('UPDATE drills SET starts_at = $2, note = $3, decided_by = $4, postponements = postponements + 1, updated_at = now() WHERE id = $1', [id, decision.startsAt, decision.reason, decision.actor]);
      }
      const detail = { drillId: id, database: row.database, reason: decision.reason, ...(decision.type === 'postpone' ? { from: row.starts_at, to: decision.startsAt } : {}) };
      await appendAudit(db, { actor: decision.actor, runId: row.run_id, action: decision.type === 'skip' ? 'drill.skipped' : 'drill.postponed', detail }, this.scrub);
      return (await this.inTx(db, id)) as Drill;
    });
  }

  async postpone(id: string, startsAt: Date, note: string): Promise<Drill | undefined> {
    return this.transition(id, `starts_at = $2, note = $3, decided_by = 'rewind', postponements = postponements + 1`, [startsAt, note], 'drill.postponed', { to: startsAt, reason: note });
  }

  async cancel(id: string, note: string): Promise<Drill | undefined> {
    return this.transition(id, `status = 'cancelled', note = $2, decided_by = 'rewind', finished_at = now()`, [note], 'drill.cancelled', { reason: note });
  }

  async markRunning(id: string, runId: string): Promise<Drill | undefined> {
    return this.transition(id, `status = 'running', run_id = $2`, [runId], 'drill.started', { runId });
  }

  async setTeardown(id: string, teardown: TeardownStatus): Promise<void> {
    await this.pool.query('UPDATE drills SET teardown = $2, updated_at = now() WHERE id = $1', [id, teardown]);
  }

  async finish(id: string, report: DrillReport, finishedAt: Date): Promise<boolean> {
    return withTransaction(this.pool, async (db) => {
      const { rowCount } = await db.query(
        `UPDATE drills SET status = $2, teardown = $3, finished_at = $4, updated_at = now() WHERE id = $1 AND status IN ('announced','running')`,
        [id, report.result, report.teardown.status, finishedAt],
      );
      if (rowCount !== 1) return false;
      await db.query(
        `INSERT INTO drill_reports (drill_id, run_id, database, kind, result, rto_ms, rpo_ms, rto_met, rpo_met, teardown, report, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [id, report.runId, report.database, report.kind, report.result, report.rto.ms, report.rpo.ms, report.rto.met, report.rpo.met, report.teardown.status, report, finishedAt],
      );
      await appendAudit(db, { actor: 'rewind', runId: report.runId, action: 'drill.reported', detail: { drillId: id, result: report.result, rtoMs: report.rto.ms, rpoMs: report.rpo.ms, teardown: report.teardown.status } }, this.scrub);
      return true;
    });
  }

  async audit(e: { actor: string; action: string; drill: Pick<Drill, 'id' | 'database' | 'runId'>; detail?: Record<string, unknown> }): Promise<void> {
    await appendAudit(this.pool, { actor: e.actor, runId: e.drill.runId, action: e.action, detail: { drillId: e.drill.id, database: e.drill.database, ...e.detail } }, this.scrub);
  }

  async open(): Promise<Drill[]> {
    const { rows } = await this.pool.query(`${DRILL_SELECT} WHERE d.status IN ('announced','running') ORDER BY d.starts_at`);
    return rows.map((r) => toDrill(r));
  }

  async announcedBefore(database: string, before: Date): Promise<Drill[]> {
    const { rows } = await this.pool.query(`${DRILL_SELECT} WHERE d.database = $1 AND d.status = 'announced' AND d.starts_at < $2 ORDER BY d.starts_at`, [database, before]);
    return rows.map((r) => toDrill(r));
  }

  async records(): Promise<Map<string, DrillRecordOf>> {
    const out = new Map<string, DrillRecordOf>();
    const rec = (db: string) => out.get(db) ?? (out.set(db, {}).get(db) as DrillRecordOf);
    const last = await this.pool.query(
      `SELECT DISTINCT ON (database) database, drill_id, result, finished_at, rto_met, rpo_met FROM drill_reports WHERE kind = 'drill' ORDER BY database, finished_at DESC`,
    );
    for (const r of last.rows) {
      const entry: DrillOnRecord = { drillId: r.drill_id, result: r.result, finishedAt: r.finished_at, rtoMet: r.rto_met, rpoMet: r.rpo_met };
      rec(r.database).last = entry;
    }
    const ok = await this.pool.query(`SELECT database, max(finished_at) AS at FROM drill_reports WHERE kind = 'drill' AND result = 'succeeded' GROUP BY database`);
    for (const r of ok.rows) rec(r.database).lastSuccessAt = r.at;
    const ahead = await this.pool.query(`SELECT database, min(starts_at) AS at FROM drills WHERE kind = 'drill' AND status = 'announced' GROUP BY database`);
    for (const r of ahead.rows) rec(r.database).announcedFor = r.at;
    return out;
  }

  recentSuccesses(database: string, limit: number): Promise<DrillReport[]> {
    return recentSuccessfulDrills(this.pool, database, limit);
  }

  private async one(sql: string, params: unknown[], db: Queryable = this.pool): Promise<Drill | undefined> {
    const { rows } = await db.query(sql, params);
    return rows[0] ? toDrill(rows[0]) : undefined;
  }

  private inTx(db: Queryable, id: string): Promise<Drill | undefined> {
    return this.one(`${DRILL_SELECT} WHERE d.id = $1`, [id], db);
  }

  /** A conditional change of an announced drill (running for none here), audited as Rewind's. */
  private async transition(id: string, set: string, params: unknown[], action: string, detail: Record<string, unknown>): Promise<Drill | undefined> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query(`UPDATE drills SET ${set}, updated_at = now() WHERE id = $1 AND status = 'announced' RETURNING database, run_id`, [id, ...params]);
      const row = rows[0];
      if (!row) return undefined;
      await appendAudit(db, { actor: 'rewind', runId: row.run_id, action, detail: { drillId: id, database: row.database, ...detail } }, this.scrub);
      return this.inTx(db, id);
    });
  }
}

/** Reports of a database's latest successful drills (kind drill), newest first. */
export async function recentSuccessfulDrills(db: Queryable, database: string, limit: number): Promise<DrillReport[]> {
  const { rows } = await db.query(
    `SELECT report FROM drill_reports WHERE database = $1 AND kind = 'drill' AND result = 'succeeded' ORDER BY finished_at DESC LIMIT $2`,
    [database, limit],
  );
  return rows.map((r) => r.report as DrillReport);
}
