import type { RestoreTarget } from '../providers/ports';

/**
 * A drill is one rehearsal of a recovery for one database: announced (scheduled drills), then a
 * run on the engine (path "drill"), then a stored report. A nightly backup verification is a drill
 * of kind "verification": same sandbox restore, a shorter report.
 *
 * Status: announced → running → succeeded | failed | aborted, or announced → skipped | cancelled.
 * A postponement keeps it announced with a later `startsAt`.
 */
export type DrillStatus = 'announced' | 'running' | 'succeeded' | 'failed' | 'aborted' | 'skipped' | 'cancelled';
export type DrillKind = 'drill' | 'verification';
export type DrillTrigger = 'schedule' | 'manual' | 'nightly';
export type TeardownStatus = 'pending' | 'requested' | 'done' | 'failed';

export interface Drill {
  id: string;
  database: string;
  kind: DrillKind;
  trigger: DrillTrigger;
  status: DrillStatus;
  channel: string;
  /** The schedule slot this drill came from (scheduled drills only): unique per database. */
  scheduledFor: Date | null;
  /** When the drill starts; moves with each postponement. */
  startsAt: Date;
  requestedBy: string;
  runId: string | null;
  /** The announcement message, once posted, so it can be updated in place. */
  announcementTs: string | null;
  teardown: TeardownStatus;
  postponements: number;
  /** Why it was skipped, postponed or cancelled last, as said to people. */
  note: string | null;
  /** Who skipped, postponed or cancelled it last ("rewind" for Rewind's own postponements and cancellations). */
  decidedBy: string | null;
  report: DrillReport | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type DrillResult = 'succeeded' | 'failed' | 'aborted';

export interface StepFigure {
  idx: number;
  name: string;
  kind: string;
  status: string;
  /** Null when the step never started. */
  durationMs: number | null;
}

export interface CheckFigure {
  name: string;
  passed: boolean;
  value: string;
  expected: string;
}

export interface ObjectiveFigure {
  /** Null when it could not be measured (e.g. the run failed before validating). */
  ms: number | null;
  objectiveMs: number;
  met: boolean | null;
}

/**
 * What a finished drill proved, stored as JSON and shown as the scorecard. RTO runs from the run's
 * creation to the end of validation; RPO is how far the newest restorable point trailed that start.
 */
export interface DrillReport {
  version: 1;
  drillId: string;
  /** Null only for a backup verification that failed before any restore was started. */
  runId: string | null;
  database: string;
  kind: DrillKind;
  trigger: DrillTrigger;
  result: DrillResult;
  target: string;
  startedAt: string;
  validatedAt: string | null;
  finishedAt: string | null;
  latestRestorable: string | null;
  rto: ObjectiveFigure;
  rpo: ObjectiveFigure;
  steps: StepFigure[];
  checks: CheckFigure[];
  smoke: CheckFigure | null;
  teardown: { status: TeardownStatus; resource: string | null; problem: string | null };
  /** The first error the run met, for failed and aborted drills. */
  problem: string | null;
  endedBy: string | null;
}

export function targetText(target: RestoreTarget): string {
  if (target.kind === 'time') return target.at.toISOString();
  return target.kind === 'latest' ? 'latest' : `backup ${target.backupId}`;
}
