import type { Drill, DrillReport } from '../drills/drill';
import { newRunId } from './run-store';

/** Drill ids look like run ids with a "d-" prefix, so `/dr drills report d-k3m9qz` is easy to type. */
export function newDrillId(): string {
  return `d-${newRunId().slice(2)}`;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- pg rows are untyped records */
export function toDrill(r: any, report?: DrillReport | null): Drill {
  return {
    id: r.id,
    database: r.database,
    kind: r.kind,
    trigger: r.trigger,
    status: r.status,
    channel: r.channel,
    scheduledFor: r.scheduled_for,
    startsAt: r.starts_at,
    requestedBy: r.requested_by,
    runId: r.run_id,
    announcementTs: r.announcement_ts,
    teardown: r.teardown,
    postponements: r.postponements,
    note: r.note,
    decidedBy: r.decided_by,
    report: report ?? (r.report as DrillReport | null | undefined) ?? null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Every drill query selects this, so a drill always comes with its report when it has one. */
export const DRILL_SELECT = 'SELECT d.*, r.report FROM drills d LEFT JOIN drill_reports r ON r.drill_id = d.id';
