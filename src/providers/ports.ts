/**
 * Ports between the pure recovery domain and the outside world. Adapters live beside this file
 * (aws/, kubernetes/, webhook/, local/); the composition root in src/main picks them per database.
 * Every method is idempotent: the engine may call it again after a crash with the same arguments.
 */

/** An instant the source can be restored to, or the newest one. */
export type RestoreTarget =
  | { kind: 'time'; at: Date }
  | { kind: 'latest' }
  | { kind: 'backup'; backupId: string };

export interface RestorableWindow {
  earliest: Date;
  latest: Date;
}

export interface BackupInfo {
  id: string;
  /** When the backup became consistent (its end), which is what matters for restore. */
  finishedAt: Date;
  sizeBytes?: number;
  /** False when verification found a problem; such a backup is never chosen silently. */
  valid: boolean;
  note?: string;
}

export interface SourceDescription {
  engine: string;
  window: RestorableWindow;
  backups: BackupInfo[];
}

/** Opaque to the engine; stored in the step's state so later steps and cleanup can find it. */
export interface ResourceRef {
  provider: string;
  id: string;
  [key: string]: unknown;
}

export interface Endpoint {
  host: string;
  port: number;
  database?: string;
  /** Connection string for validators; may contain a password, so it is redacted in logs. */
  url?: string;
}

export type PollResult =
  | { state: 'pending'; detail?: string; retryAfterMs?: number }
  | { state: 'available'; endpoint: Endpoint; detail?: string }
  | { state: 'failed'; reason: string };

export interface RestoreRequest {
  target: RestoreTarget;
  /** Deterministic name: the same run always asks for the same name, so a retry adopts. */
  name: string;
  tags: Record<string, string>;
}

export interface RecoverySource {
  describe(): Promise<SourceDescription>;
  startRestore(req: RestoreRequest): Promise<ResourceRef>;
  poll(ref: ResourceRef): Promise<PollResult>;
  /**
   * Removes only what this run created (checked by tags); a missing resource is success. A copy
   * that cannot be deleted yet (still being created, a setting change not applied) is a retryable
   * RewindError with code DISCARD_PENDING and `detail.retryAfterMs`: look again then. A copy that
   * will not become deletable without a person (e.g. protected and in a terminal failed state) is a
   * non-retryable RewindError whose message says what to do by hand.
   */
  discard(ref: ResourceRef): Promise<void>;
}

export const DISCARD_PENDING = 'DISCARD_PENDING';

export const DELETE_OUTCOME_UNKNOWN = 'DELETE_OUTCOME_UNKNOWN';

export interface CutoverRecord {
  kind: string;
  [key: string]: unknown;
}

/** One look at a cutover that takes effect over time (a rolling restart); never blocks. */
export type CutoverPoll =
  | { state: 'pending'; detail?: string; retryAfterMs?: number }
  | { state: 'done'; detail?: string }
  | { state: 'failed'; reason: string };

export interface Cutover {
  /** Human-readable description of what apply() will change. */
  plan(endpoint: Endpoint): Promise<string>;
  apply(endpoint: Endpoint, idempotencyKey: string): Promise<CutoverRecord>;
  rollback(record: CutoverRecord): Promise<void>;
  /** For cutovers that finish after apply() returns: the engine polls until done or failed. */
  poll?(record: CutoverRecord): Promise<CutoverPoll>;
  /**
   * A warning to show before apply() when something changed after the restore point that the
   * restored database does not have (e.g. a password rotated after it), or undefined.
   */
  rotationWarning?(restorePoint: Date): Promise<string | undefined>;
  /**
   * True when apply() makes consumers re-read settings that earlier cutovers changed (a restart):
   * its rollback is doing it again, so it runs after the earlier cutovers were rolled back.
   */
  readonly reloadsConsumers?: boolean;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  value: string;
  expected: string;
}

export interface Validator {
  validate(endpoint: Endpoint, target: RestoreTarget): Promise<CheckResult[]>;
}

export interface HealthCheck {
  check(): Promise<CheckResult>;
}

/**
 * A resource kept for a while after it stopped being used: the instance a cutover replaced, or a
 * restored one whose cutover was rolled back. Known only by the tags Rewind wrote on it.
 */
export interface RetainedResource {
  provider: string;
  /** Instance or cluster identifier. */
  id: string;
  /** 'replaced' = the database the cutover moved away from; 'restored' = a rolled-back restore. */
  role: 'replaced' | 'restored';
  retainUntil: Date;
  /** The run that asked to keep it. */
  retainedBy: string;
  deletionProtection: boolean;
}

/**
 * Keeping and, after an explicit human decision, deleting resources a recovery left behind.
 * Everything is decided by tags Rewind wrote; a resource without them is never listed or deleted.
 */
export interface ResourceRetention {
  /** How long a replaced resource is kept (the `retention` setting). */
  readonly retainForMs: number;
  /** Tags the resource this database's restores replace; undefined when it no longer exists. */
  retainReplaced(runId: string, until: Date): Promise<RetainedResource | undefined>;
  /** Removes the retention tags written by `runId` (the resource is in service again). */
  releaseReplaced(runId: string): Promise<void>;
  /** Tags a restored resource (its cutover was rolled back) to be kept until `until`. */
  retainRestored(ref: ResourceRef, runId: string, until: Date): Promise<RetainedResource | undefined>;
  /** Every resource carrying Rewind's retention tags, due or not. */
  listRetained(): Promise<RetainedResource[]>;
  /** Moves a retained resource's retain-until to `until` (a person chose to keep it longer); refuses one without Rewind's tags. */
  extendRetention(resource: Pick<RetainedResource, 'id' | 'provider'>, until: Date): Promise<RetainedResource>;
  /**
   * Deletes one, after re-checking its tags and that it is due; keeps a final snapshot. Any error
   * means nothing was deleted, except DELETE_OUTCOME_UNKNOWN: a delete call was made and its
   * outcome is not known, or it was done in part (check the resource by hand).
   */
  deleteRetained(resource: Pick<RetainedResource, 'id' | 'provider'>, now: Date): Promise<{ finalSnapshot?: string }>;
}

/** Everything the steps of one database's runs talk to, built by the composition root from config. */
export interface DatabaseProviders {
  source: RecoverySource;
  cutovers: Array<{ name: string; cutover: Cutover }>;
  validator?: Validator;
  healthChecks: Array<{ name: string; check: HealthCheck }>;
  /** Present for sources whose replaced database outlives the cutover (RDS, Aurora). */
  retention?: ResourceRetention;
}

export type ProviderResolver = (database: string) => DatabaseProviders;
