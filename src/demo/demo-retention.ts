import { humanDuration } from '../slack/format';
import { pruneBackups, recoveringRestores, type PruneResult } from '../providers/local/backup-retention';
import type { LocalPostgresRecoverySource } from '../providers/local/local-recovery-source';
import { activeRunFor } from '../persistence/run-store';
import type { Queryable } from '../persistence/transaction';
import { RewindError } from '../recovery/errors';

export interface DemoRetentionOptions {
  provider: LocalPostgresRecoverySource;
  archiveDir: string;
  restoreRoot: string;
  /** The database whose runs may read the backups (the demo's). */
  database: string;
  keep: number;
  say: (line: string) => void;
}

/**
 * The demo's backup retention: after each base backup, keep the newest `keep` valid backups and
 * delete older ones with the WAL only they needed, so a demo left running does not fill the disk.
 * Nothing is deleted while a run of the demo database is active or a restored cluster is still
 * replaying (either may read an older backup or its WAL): that prune waits for the next backup.
 * Failures are said and never thrown: the demo and its backup schedule go on.
 */
export class DemoRetention {
  private store?: Queryable;
  private inFlight?: Promise<void>;

  constructor(private readonly o: DemoRetentionOptions) {}

  /** Rewind's store, once it is up: until then no prune runs (runs cannot be checked). */
  attachStore(store: Queryable): void {
    this.store = store;
  }

  /** Why a prune must wait now, or undefined. */
  async busy(): Promise<string | undefined> {
    if (!this.store) return "Rewind's store is not up yet";
    const active = await activeRunFor(this.store, this.o.database);
    if (active) return `run ${active.id} of ${this.o.database} is ${active.status.replace('_', ' ')}`;
    // A drill being aborted has let go of the database already, and may still be restoring.
    const { rows } = await this.store.query(`SELECT id, status FROM runs WHERE database = $1 AND status IN ('planned', 'running', 'awaiting_approval', 'rolling_back') LIMIT 1`, [this.o.database]);
    if (rows[0]) return `run ${String(rows[0].id)} of ${this.o.database} is ${String(rows[0].status).replace('_', ' ')}`;
    const recovering = await recoveringRestores(this.o.provider.runner, this.o.restoreRoot);
    if (recovering.length > 0) {
      return `restored cluster${recovering.length > 1 ? 's' : ''} ${recovering.join(', ')} not finished (copying or replaying WAL; finish or /dr abort its run, or npm run demo -- --reset)`;
    }
    return undefined;
  }

  /** Prunes once; concurrent calls share the prune under way. Never rejects. */
  prune(): Promise<void> {
    if (!this.store) return Promise.resolve();
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<void> {
    let res: PruneResult;
    try {
      res = await pruneBackups({
        catalog: this.o.provider.catalog,
        archiveDir: this.o.archiveDir,
        keep: this.o.keep,
        segmentSize: () => this.o.provider.archive.segmentSize(),
        busy: () => this.busy(),
      });
    } catch (err) {
      const why = err instanceof RewindError ? err.userMessage : (err as Error).message;
      this.o.say(`✗ deleting old base backups failed: ${why}; the demo and its backups go on, the next backup tries again`);
      return;
    }
    const line = describePrune(res, this.o.keep);
    if (line) this.o.say(line);
  }
}

/** The start-up line: how many backups the demo keeps and what that is in time. */
export function describeRetention(keep: number, periodMs: number, cron: string): string {
  return `✓ keeping the newest ${keep} base backup${keep === 1 ? '' : 's'} (one every ${humanDuration(periodMs)}, ${cron}: about ${humanDuration(keep * periodMs)} to restore into); older ones and the WAL only they needed are deleted (REWIND_DEMO_KEEP_BACKUPS)`;
}

/** One line for the terminal, or undefined when there was nothing to delete. */
export function describePrune(res: PruneResult, keep: number): string | undefined {
  if (res.state === 'skipped') return `· old base backups not deleted now: ${res.reason}; trying again after the next backup`;
  const backups = res.plan.removeBackups.length;
  if (res.deferred) return `· ${backups} old base backup${backups === 1 ? '' : 's'} dropped from the catalog; files stay until the next backup: ${res.deferred}`;
  if (res.removedDirs.length === 0 && res.removedWal.length === 0) return undefined;
  const mb = (res.freedBytes / 1e6).toFixed(0);
  const leftovers = res.removedDirs.filter((d) => !res.plan.removeBackups.some((b) => b.dir === d)).length;
  const parts = [
    ...(backups > 0 ? [`${backups} base backup${backups === 1 ? '' : 's'}`] : []),
    ...(leftovers > 0 ? [`${leftovers} leftover backup director${leftovers === 1 ? 'y' : 'ies'}`] : []),
    ...(res.removedWal.length > 0 ? [`${res.removedWal.length} WAL file${res.removedWal.length === 1 ? '' : 's'} before ${res.plan.firstKeptSegment ?? '?'}`] : []),
  ];
  const oldest = res.plan.oldestKept ? `; restorable from ${res.plan.oldestKept.finishedAt} (${res.plan.oldestKept.id})` : '';
  const kept = Math.min(keep, res.plan.keep.filter((b) => b.valid).length);
  return `✓ kept the newest ${kept} base backup${kept === 1 ? '' : 's'}, deleted ${parts.join(' and ')} (${mb} MB)${oldest}`;
}
