import type { RunPath } from '../recovery/run';
import { announceScheduledDrill, type AnnounceOutcome } from './announce-drill';
import { verifyNewestBackups, type ManifestCheck, type VerifyOutcome } from './backup-verification';
import type { ComplianceEntry } from './compliance';
import type { Drill } from './drill';
import { drillCompliance, remindOverdue } from './drill-compliance';
import { checkDrillChange, postponeDrill, skipDrill, validateDrillChange, type ChangeCheck, type ChangeValidation, type DrillChange } from './drill-decisions';
import { durationsFor, ETA_HISTORY_SIZE } from './drill-history';
import type { DrillDeps } from './drill-ports';
import { sweepDrills } from './drill-sweep';
import { settleDrillRun, type SettleOutcome } from './settle-drill';
import { startAnnouncedDrill, startManualDrill, type StartOutcome } from './start-drill';

export type DrillServiceDeps = DrillDeps & { verifyManifest?: ManifestCheck };

/**
 * The drill use cases behind one object, for the composition root, the drills worker, the
 * /dr drill(s) commands and the Skip/Postpone handlers. Every method is safe to repeat.
 */
export class DrillService {
  constructor(readonly deps: DrillServiceDeps) {}

  /** A drill scheduler fired (`plannedAt`: when it was meant to fire, announceBefore ahead of the drill). */
  fire(database: string, plannedAt: Date = this.deps.now()): Promise<AnnounceOutcome> {
    return announceScheduledDrill(this.deps, database, plannedAt);
  }

  start(drillId: string, startsAtMs?: number): Promise<StartOutcome> {
    return startAnnouncedDrill(this.deps, drillId, startsAtMs);
  }

  startManual(database: string, user: string, channel: string) {
    return startManualDrill(this.deps, database, user, channel);
  }

  settle(runId: string): Promise<SettleOutcome> {
    return settleDrillRun(this.deps, runId);
  }

  sweep() {
    return sweepDrills(this.deps);
  }

  checkChange(drillId: string, user: string, change: DrillChange): Promise<ChangeCheck> {
    return checkDrillChange(this.deps, drillId, user, change);
  }

  /** A Skip/Postpone submission checked without changing anything (answers the modal in time). */
  validateChange(drillId: string, user: string, change: DrillChange, reason: string, byMs?: number): Promise<ChangeValidation> {
    return validateDrillChange(this.deps, drillId, user, change, reason, byMs);
  }

  skip(drillId: string, user: string, reason: string): Promise<Drill> {
    return skipDrill(this.deps, drillId, user, reason);
  }

  postpone(drillId: string, user: string, reason: string, byMs: number): Promise<Drill> {
    return postponeDrill(this.deps, drillId, user, reason, byMs);
  }

  compliance(): Promise<ComplianceEntry[]> {
    return drillCompliance(this.deps);
  }

  remind() {
    return remindOverdue(this.deps);
  }

  verifyBackups(plannedAt: Date = this.deps.now()): Promise<VerifyOutcome[]> {
    return verifyNewestBackups(this.deps, plannedAt);
  }

  /** A drill by its id or its run's id, with its report once it has one. */
  find(idOrRunId: string): Promise<Drill | undefined> {
    return this.deps.store.find(idOrRunId);
  }

  /** ETA history for the live message: durations of this database's recent successful drills. */
  async etaHistory(database: string, path: RunPath): Promise<number[]> {
    return durationsFor(await this.deps.store.recentSuccesses(database, ETA_HISTORY_SIZE), path);
  }
}
