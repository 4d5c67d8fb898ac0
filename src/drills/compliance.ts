import type { RewindConfig } from '../config/schema';
import type { DrillResult } from './drill';
import { nextDrillOutsideFreeze } from './drill-schedule';

/**
 * Compliance: for every database, its last drill, the next scheduled one and whether it is
 * overdue by its policy (the longest allowed interval between successful drills). A database
 * with a policy and no successful drill on record is overdue. Pure: `now` is a parameter.
 */

export interface DrillOnRecord {
  drillId: string;
  result: DrillResult;
  finishedAt: Date;
  rtoMet: boolean | null;
  rpoMet: boolean | null;
}

export interface DrillRecordOf {
  last?: DrillOnRecord;
  lastSuccessAt?: Date;
  /** The earliest drill already announced and not started (it may have been postponed). */
  announcedFor?: Date;
}

export interface ComplianceEntry {
  database: string;
  scheduled: boolean;
  channel?: string;
  last?: DrillOnRecord;
  lastSuccessAt?: Date;
  next?: Date;
  policyMs?: number;
  /** When the policy runs out: the last success plus the policy. */
  dueAt?: Date;
  overdue: boolean;
}

export function complianceOf(config: RewindConfig, records: ReadonlyMap<string, DrillRecordOf>, now: Date): ComplianceEntry[] {
  return Object.values(config.databases)
    .map((db): ComplianceEntry => {
      const rec = records.get(db.name) ?? {};
      const drills = db.drills;
      const scheduledNext = drills ? nextDrillOutsideFreeze(drills, now) : undefined;
      const next = earliest(scheduledNext, rec.announcedFor);
      const policyMs = drills?.policy;
      const dueAt = policyMs !== undefined && rec.lastSuccessAt ? new Date(rec.lastSuccessAt.getTime() + policyMs) : undefined;
      const overdue = policyMs !== undefined && (dueAt === undefined || dueAt.getTime() < now.getTime());
      return {
        database: db.name,
        scheduled: drills !== undefined,
        ...(drills ? { channel: drills.channel } : {}),
        ...(rec.last ? { last: rec.last } : {}),
        ...(rec.lastSuccessAt ? { lastSuccessAt: rec.lastSuccessAt } : {}),
        ...(next ? { next } : {}),
        ...(policyMs !== undefined ? { policyMs } : {}),
        ...(dueAt ? { dueAt } : {}),
        overdue,
      };
    })
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.database.localeCompare(b.database));
}

/** Overdue databases grouped by the channel their drills are reported in. */
export function overdueByChannel(entries: readonly ComplianceEntry[]): Map<string, ComplianceEntry[]> {
  const out = new Map<string, ComplianceEntry[]>();
  for (const e of entries) {
    if (!e.overdue || e.channel === undefined) continue;
    out.set(e.channel, [...(out.get(e.channel) ?? []), e]);
  }
  return out;
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
