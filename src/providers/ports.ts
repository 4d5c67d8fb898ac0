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
  /** Removes only what this run created (checked by tags); a missing resource is success. */
  discard(ref: ResourceRef): Promise<void>;
}

export interface CutoverRecord {
  kind: string;
  [key: string]: unknown;
}

export interface Cutover {
  /** Human-readable description of what apply() will change. */
  plan(endpoint: Endpoint): Promise<string>;
  apply(endpoint: Endpoint, idempotencyKey: string): Promise<CutoverRecord>;
  rollback(record: CutoverRecord): Promise<void>;
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

/** Everything the steps of one database's runs talk to, built by the composition root from config. */
export interface DatabaseProviders {
  source: RecoverySource;
  cutovers: Array<{ name: string; cutover: Cutover }>;
  validator?: Validator;
  healthChecks: Array<{ name: string; check: HealthCheck }>;
}

export type ProviderResolver = (database: string) => DatabaseProviders;
