import { CronExpressionParser } from 'cron-parser';
import type { RewindConfig } from '../config/schema';
import type { DrillsConfig } from '../config/drills-schema';
import { wallClock } from '../recovery/zoned-time';

/**
 * When drills happen, as pure functions of rewind.yml and an instant.
 *
 * One BullMQ job scheduler per database (`drill:<database>`) fires the *announcement*, which is
 * `announceBefore` ahead of the drill's cron time; the announcement then schedules the drill's
 * start as a delayed job. A cron cannot express "30 minutes before Mondays 03:00 Berlin time" in
 * general (day and DST boundaries), so the scheduler keeps the drill's own pattern and zone, its
 * job name carries the lead (`drill.announce+1800000`) and `drillRepeatStrategy`, installed on the
 * drills queue and worker, subtracts it from each cron occurrence.
 */

export const DRILL_SCHEDULER_PREFIX = 'drill:';
export const SWEEP_SCHEDULER = 'drills:sweep';
export const REMINDER_SCHEDULER = 'drills:remind';
export const VERIFY_SCHEDULER = 'drills:verify';

export const ANNOUNCE_JOB = 'drill.announce';
export const SWEEP_JOB = 'drills.sweep';
export const REMIND_JOB = 'drills.remind';
export const VERIFY_JOB = 'drills.verify';

export interface SchedulerSpec {
  id: string;
  name: string;
  pattern?: string;
  every?: number;
  tz?: string;
  data: Record<string, unknown>;
}

export interface FixedSchedules {
  /** Weekly overdue reminder (default Mondays 09:00 in the top-level zone). */
  reminderPattern: string;
  /** Nightly backup verification (default 02:30 in the top-level zone). */
  verifyPattern: string;
  /** How often lost starts and unsettled drill runs are looked for (default 60 s). */
  sweepEveryMs: number;
}

export const DEFAULT_FIXED_SCHEDULES: FixedSchedules = { reminderPattern: '0 9 * * 1', verifyPattern: '30 2 * * *', sweepEveryMs: 60_000 };

export function announceJobName(leadMs: number): string {
  return `${ANNOUNCE_JOB}+${Math.max(0, Math.round(leadMs))}`;
}

/** The lead a scheduler's job name carries; undefined for names that are not announcements. */
export function leadOf(name: string | undefined): number | undefined {
  const m = /^drill\.announce\+(\d+)$/.exec(name ?? '');
  return m ? Number(m[1]) : undefined;
}

export function schedulerIdFor(database: string): string {
  return `${DRILL_SCHEDULER_PREFIX}${database}`;
}

/** The first occurrence of `pattern` in `tz` strictly after `after`. */
export function nextOccurrence(pattern: string, tz: string, after: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(pattern, { currentDate: after, tz }).next().toDate();
  } catch {
    return undefined;
  }
}

/**
 * BullMQ's repeat strategy for the drills queue: for announcement schedulers, the next cron
 * occurrence more than `lead` after `millis`, minus the lead; for every other scheduler, the
 * plain next occurrence. A drill closer than its lead is skipped rather than announced late.
 */
export function drillRepeatStrategy(millis: number, opts: { pattern?: string; tz?: string }, name?: string): number | undefined {
  if (!opts.pattern) return undefined;
  const lead = leadOf(name) ?? 0;
  const next = nextOccurrence(opts.pattern, opts.tz ?? 'UTC', new Date(millis + lead));
  return next === undefined ? undefined : next.getTime() - lead;
}

/** The schedulers rewind.yml asks for: one per database with drills, plus the fixed ones. */
export function desiredSchedulers(config: RewindConfig, fixed: FixedSchedules = DEFAULT_FIXED_SCHEDULES): SchedulerSpec[] {
  const specs: SchedulerSpec[] = [];
  for (const db of Object.values(config.databases)) {
    if (!db.drills) continue;
    specs.push({ id: schedulerIdFor(db.name), name: announceJobName(db.drills.announceBefore), pattern: db.drills.schedule, tz: db.drills.timezone, data: { database: db.name } });
  }
  if (specs.length > 0) {
    specs.push({ id: REMINDER_SCHEDULER, name: REMIND_JOB, pattern: fixed.reminderPattern, tz: config.timezone, data: {} });
    specs.push({ id: VERIFY_SCHEDULER, name: VERIFY_JOB, pattern: fixed.verifyPattern, tz: config.timezone, data: {} });
  }
  specs.push({ id: SWEEP_SCHEDULER, name: SWEEP_JOB, every: fixed.sweepEveryMs, data: {} });
  return specs;
}

/** What a scheduler looks like in Redis, as far as deciding whether it changed. */
export interface ExistingScheduler {
  id: string;
  name?: string;
  pattern?: string | null;
  every?: number | null;
  tz?: string | null;
}

export interface SchedulerDiff {
  upsert: SchedulerSpec[];
  remove: string[];
  unchanged: string[];
}

/** Schedulers to add or change, and ours that rewind.yml no longer asks for. */
export function diffSchedulers(existing: readonly ExistingScheduler[], desired: readonly SchedulerSpec[]): SchedulerDiff {
  const byId = new Map(existing.map((e) => [e.id, e]));
  const upsert: SchedulerSpec[] = [];
  const unchanged: string[] = [];
  for (const d of desired) {
    const e = byId.get(d.id);
    const same = e && e.name === d.name && (e.pattern ?? undefined) === d.pattern && (e.every ?? undefined) === d.every && (e.tz ?? undefined) === d.tz;
    if (same) unchanged.push(d.id);
    else upsert.push(d);
  }
  const wanted = new Set(desired.map((d) => d.id));
  const remove = existing.filter((e) => isOurs(e.id) && !wanted.has(e.id)).map((e) => e.id);
  return { upsert, remove, unchanged };
}

function isOurs(id: string): boolean {
  return id.startsWith(DRILL_SCHEDULER_PREFIX) || id.startsWith('drills:');
}

/** The freeze window the drill-zone date of `at` falls in, if any (windows are inclusive dates). */
export function freezeWindowAt(at: Date, drills: Pick<DrillsConfig, 'freezeWindows'> & { timezone: string }): { from: string; to: string } | undefined {
  const day = wallClock(at.getTime(), drills.timezone).date;
  return drills.freezeWindows.find((w) => w.from <= day && day <= w.to);
}

/** The next drill time after `after` that is outside every freeze window (searches a bounded number of occurrences). */
export function nextDrillOutsideFreeze(drills: Pick<DrillsConfig, 'schedule' | 'freezeWindows'> & { timezone: string }, after: Date, maxOccurrences = 2000): Date | undefined {
  let at = after;
  for (let i = 0; i < maxOccurrences; i++) {
    const next = nextOccurrence(drills.schedule, drills.timezone, at);
    if (next === undefined) return undefined;
    if (freezeWindowAt(next, drills) === undefined) return next;
    at = next;
  }
  return undefined;
}

/** The last occurrence of `pattern` in `tz` strictly before `before`. */
export function previousOccurrence(pattern: string, tz: string, before: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(pattern, { currentDate: before, tz }).prev().toDate();
  } catch {
    return undefined;
  }
}
