import type { RewindConfig } from '../config/schema';
import type { ProviderResolver } from '../providers/ports';
import type { Plan, Run, RunStatus } from '../recovery/run';
import type { DrillRecordOf, ComplianceEntry } from './compliance';
import type { Drill, DrillKind, DrillReport, DrillStatus, DrillTrigger, TeardownStatus } from './drill';

/**
 * What the drill use cases need from the outside world. PostgreSQL, BullMQ and Slack implement
 * these in src/persistence, src/queue and src/slack; the composition root wires them.
 */

export interface NewDrill {
  database: string;
  kind: DrillKind;
  trigger: DrillTrigger;
  status: Extract<DrillStatus, 'announced' | 'running' | 'cancelled'>;
  channel: string;
  scheduledFor: Date | null;
  startsAt: Date;
  requestedBy: string;
  note?: string;
}

export type DrillDecision = { type: 'skip'; actor: string; reason: string } | { type: 'postpone'; actor: string; reason: string; startsAt: Date };

export interface DrillStore {
  /** Inserts; a second drill for the same schedule slot is not created (`created: false`, the first one returned). */
  insert(d: NewDrill): Promise<{ drill: Drill; created: boolean }>;
  get(id: string): Promise<Drill | undefined>;
  byRun(runId: string): Promise<Drill | undefined>;
  setAnnouncement(id: string, ts: string): Promise<void>;
  /** A person's skip or postpone of an announced drill, audited with the reason; refused (RewindError) when no longer announced. */
  decide(id: string, decision: DrillDecision): Promise<Drill>;
  /** Rewind's own postponement (an incident is running): audited as "rewind". */
  postpone(id: string, startsAt: Date, note: string): Promise<Drill | undefined>;
  cancel(id: string, note: string): Promise<Drill | undefined>;
  markRunning(id: string, runId: string): Promise<Drill | undefined>;
  setTeardown(id: string, teardown: TeardownStatus): Promise<void>;
  /** Ends an open drill with its report, once: true only for the call that did it. */
  finish(id: string, report: DrillReport, finishedAt: Date): Promise<boolean>;
  /** Refusals and other decisions that change nothing still leave an audit row. */
  audit(e: { actor: string; action: string; drill: Pick<Drill, 'id' | 'database' | 'runId'>; detail?: Record<string, unknown> }): Promise<void>;
  open(): Promise<Drill[]>;
  /** Announced drills of `database` due before `before` (older announcements a new one supersedes). */
  announcedBefore(database: string, before: Date): Promise<Drill[]>;
  records(): Promise<Map<string, DrillRecordOf>>;
  /** Reports of recent successful drills (kind drill) of a database, newest first. */
  recentSuccesses(database: string, limit: number): Promise<DrillReport[]>;
  /** A drill by its id or its run's id. */
  find(idOrRunId: string): Promise<Drill | undefined>;
}

/** Posts and updates drill messages in Slack (or anywhere people see them). */
export interface DrillAnnouncer {
  /** Posts the announcement with Skip and Postpone; returns the message's ts when posted. */
  announce(drill: Drill): Promise<string | undefined>;
  /** Re-renders the announcement after a skip, postponement, start or end. */
  refresh(drill: Drill): Promise<void>;
  notice(drill: Drill, notice: DrillNotice): Promise<void>;
  scorecard(drill: Drill, report: DrillReport): Promise<void>;
  remind(channel: string, overdue: readonly ComplianceEntry[], now: Date): Promise<void>;
}

export type DrillNotice =
  | { kind: 'postponed-incident'; runId: string; until: Date }
  | { kind: 'frozen'; window: { from: string; to: string }; next: Date | undefined }
  | { kind: 'superseded'; by: Date }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'start-failed'; problem: string }
  | { kind: 'teardown-failed'; resource: string | null; problem: string; runId: string }
  | { kind: 'verification-skipped'; reason: string };

/** Transport for "start drill D at T" and "look at drill run R again"; BullMQ implements it. */
export interface DrillJobs {
  scheduleStart(drillId: string, startsAt: Date, delayMs: number): Promise<void>;
  scheduleSettle(runId: string, delayMs?: number): Promise<void>;
}

/** The engine use cases a drill drives (RunEngine implements them). */
export interface DrillEngine {
  start(input: { plan: Plan; requestedBy: string; channel?: string | null; meta?: Record<string, unknown> }): Promise<Run>;
  abort(runId: string, actor: string, reason?: string): Promise<Run>;
}

/** Read side of the run store (PgRunStore implements it). */
export interface RunLookup {
  getRun(id: string): Promise<Run | undefined>;
  activeRunFor(database: string): Promise<{ id: string; status: RunStatus; requestedBy: string } | undefined>;
}

export interface DrillLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DrillDeps {
  config: RewindConfig;
  store: DrillStore;
  announcer: DrillAnnouncer;
  jobs: DrillJobs;
  engine: DrillEngine;
  runs: RunLookup;
  providers: ProviderResolver;
  now: () => Date;
  logger: DrillLogger;
  /** The incident commander of a channel (rewind.yml's, or one set with /dr ic). */
  incidentCommander(channel: string): Promise<string | undefined>;
  /** How long a drill waits when an incident run holds its database (default 1 h). */
  retryAfterIncidentMs?: number;
  random?: () => number;
}
