import type { Queryable } from './transaction';

export interface AuditEvent {
  actor: string;
  action: string;
  runId?: string | null;
  stepIdx?: number | null;
  from?: string | null;
  to?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRow extends Required<Omit<AuditEvent, 'detail'>> {
  id: number;
  at: Date;
  detail: Record<string, unknown>;
}

/** Values are scrubbed before they are written: the audit trail is permanent, so a secret in it is forever. */
export type Scrubber = (value: Record<string, unknown>) => Record<string, unknown>;

export async function appendAudit(db: Queryable, event: AuditEvent, scrub: Scrubber = (v) => v): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (actor, run_id, step_idx, action, from_state, to_state, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [event.actor, event.runId ?? null, event.stepIdx ?? null, event.action, event.from ?? null, event.to ?? null, scrub(event.detail ?? {})],
  );
}

export async function auditTrail(db: Queryable, runId: string): Promise<AuditRow[]> {
  const { rows } = await db.query(
    `SELECT id, at, actor, run_id, step_idx, action, from_state, to_state, detail
       FROM audit_events WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    runId: r.run_id,
    stepIdx: r.step_idx,
    action: r.action,
    from: r.from_state,
    to: r.to_state,
    detail: r.detail,
  }));
}
