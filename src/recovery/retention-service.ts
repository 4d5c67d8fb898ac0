import { DELETE_OUTCOME_UNKNOWN, type ProviderResolver, type ResourceRetention, type RetainedResource } from '../providers/ports';
import { RewindError } from './errors';

/** approveDeletion's error when the resource was deleted but the audit row saying so could not be written. */
export const DELETED_NOT_RECORDED = 'DELETED_NOT_RECORDED';

/** A retained resource of one configured database. */
export interface RetainedEntry extends RetainedResource {
  database: string;
}

/** Which retained resource a decision is about; `asked` is the retention a question was asked about, when there was one. */
export interface RetainedRef {
  database: string;
  id: string;
  asked?: { retainUntil: Date; retainedBy: string };
}

/** One append-only audit row; the composition root writes it to the store's audit trail. */
export interface RetentionAuditEvent {
  actor: string;
  action: 'retention.deletion_approved' | 'retention.deleted' | 'retention.deletion_failed' | 'retention.keep_approved' | 'retention.kept' | 'retention.keep_failed';
  runId: string;
  detail: Record<string, unknown>;
}

export interface RetentionServiceOptions {
  databases: string[];
  providers: ProviderResolver;
  audit: (event: RetentionAuditEvent) => Promise<void>;
  now?: () => Date;
}

/**
 * Cleanup of what recoveries kept: the databases a cutover replaced, and restored ones whose
 * cutover was rolled back. Rewind only ever asks: `pendingDeletions()` lists what is past its
 * retain-until time, and a resource is deleted only by `approveDeletion` — one human's recorded
 * click, written to the audit trail before the delete call — and only when it still carries the
 * retention tags Rewind wrote (the provider checks them again right before deleting).
 */
export class RetentionService {
  private readonly now: () => Date;

  constructor(private readonly o: RetentionServiceOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /**
   * Everything retained, due or not, newest retain-until last. A database whose provider fails
   * is skipped, not fatal: it is named in `problems`, so callers do not take "not listed" for "gone".
   */
  async retained(): Promise<{ entries: RetainedEntry[]; problems: Array<{ database: string; message: string }> }> {
    const entries: RetainedEntry[] = [];
    const problems: Array<{ database: string; message: string }> = [];
    const seen = new Set<string>();
    for (const database of this.o.databases) {
      try {
        // Inside the try: building a database's adapters can fail too (no AWS region, say).
        const retention = this.o.providers(database).retention;
        if (!retention) continue;
        for (const r of await retention.listRetained()) {
          const key = `${r.provider}/${r.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          entries.push({ ...r, database });
        }
      } catch (err) {
        problems.push({ database, message: err instanceof RewindError ? err.userMessage : (err as Error).message });
      }
    }
    entries.sort((a, b) => a.retainUntil.getTime() - b.retainUntil.getTime());
    return { entries, problems };
  }

  /** What is past its retain-until time and may be deleted once someone approves. */
  async pendingDeletions(): Promise<RetainedEntry[]> {
    return (await this.dueNow()).due;
  }

  /** What is due, and the databases whose retained resources could not be listed (unknown, not "none"). */
  async dueNow(): Promise<{ due: RetainedEntry[]; unlisted: string[] }> {
    const now = this.now().getTime();
    const { entries, problems } = await this.retained();
    return { due: entries.filter((e) => e.retainUntil.getTime() <= now), unlisted: problems.map((p) => p.database) };
  }

  /** How much longer a "keep it longer" decision keeps a database of `database`: its retention. */
  keepForMs(database: string): number | undefined {
    return this.o.providers(database).retention?.retainForMs;
  }

  /**
   * Keeps a retained resource for another retention period, on a person's decision (audited).
   * Like a deletion, it is looked up again and must still carry Rewind's tags.
   */
  async keep(resource: RetainedRef, actor: string): Promise<{ kept: RetainedEntry; previousUntil: Date }> {
    const { retention, found } = await this.lookUp(resource, 'changed');
    const until = new Date(this.now().getTime() + retention.retainForMs);
    const detail = { database: resource.database, provider: found.provider, id: found.id, role: found.role, previousUntil: found.retainUntil.toISOString(), retainUntil: until.toISOString() };
    // As for a deletion: the person's decision is on the audit trail before the provider is called.
    await this.o.audit({ actor, action: 'retention.keep_approved', runId: found.retainedBy, detail });
    try {
      const kept = await retention.extendRetention(found, until);
      await this.o.audit({ actor: 'rewind', action: 'retention.kept', runId: found.retainedBy, detail: { ...detail, approvedBy: actor } });
      return { kept: { ...kept, database: resource.database }, previousUntil: found.retainUntil };
    } catch (err) {
      const message = err instanceof RewindError ? err.userMessage : (err as Error).message;
      await this.o.audit({ actor: 'rewind', action: 'retention.keep_failed', runId: found.retainedBy, detail: { ...detail, approvedBy: actor, error: message } });
      throw err;
    }
  }

  /**
   * Deletes one retained resource on a person's decision. The button's values are untrusted: the
   * resource is looked up again by database and id, and must be retained by Rewind and due.
   */
  async approveDeletion(resource: RetainedRef, actor: string): Promise<{ deleted: RetainedEntry; finalSnapshot?: string }> {
    const { retention, found } = await this.lookUp(resource, 'deleted');
    const entry: RetainedEntry = { ...found, database: resource.database };
    const now = this.now();
    if (found.retainUntil.getTime() > now.getTime()) {
      throw new RewindError({ code: 'RETENTION_NOT_OVER', userMessage: `${found.id} is kept until ${found.retainUntil.toISOString()}; it cannot be deleted before then. Nothing was deleted.` });
    }
    const detail = { database: entry.database, provider: entry.provider, id: entry.id, role: entry.role, retainUntil: entry.retainUntil.toISOString() };
    await this.o.audit({ actor, action: 'retention.deletion_approved', runId: entry.retainedBy, detail });
    let finalSnapshot: string | undefined;
    try {
      ({ finalSnapshot } = await retention.deleteRetained(found, now));
    } catch (err) {
      const message = err instanceof RewindError ? err.userMessage : (err as Error).message;
      const unknown = err instanceof RewindError && err.code === DELETE_OUTCOME_UNKNOWN;
      await this.o.audit({ actor: 'rewind', action: 'retention.deletion_failed', runId: entry.retainedBy, detail: { ...detail, approvedBy: actor, error: message, outcomeUnknown: unknown } });
      throw err;
    }
    try {
      await this.o.audit({ actor: 'rewind', action: 'retention.deleted', runId: entry.retainedBy, detail: { ...detail, approvedBy: actor, finalSnapshot } });
    } catch (err) {
      // Deleted all the same: said so, never taken for "nothing was deleted".
      throw new RewindError({
        code: DELETED_NOT_RECORDED,
        userMessage: `${found.id} is being deleted${finalSnapshot ? ` (final snapshot ${finalSnapshot})` : ''}, but Rewind could not record that in its audit trail (${(err as Error).message.slice(0, 200)}).`,
        detail: { ...(finalSnapshot ? { finalSnapshot } : {}) },
        cause: err,
      });
    }
    return { deleted: entry, finalSnapshot };
  }

  /** The resource as its provider lists it now (button values are untrusted, tags may have changed). */
  private async lookUp(resource: RetainedRef, nothingWas: 'deleted' | 'changed'): Promise<{ retention: ResourceRetention; found: RetainedResource }> {
    const retention = this.o.providers(resource.database).retention;
    if (!retention) {
      throw new RewindError({ code: 'NO_RETENTION', userMessage: `${resource.database} keeps no replaced databases, so there is nothing of it to decide about. Nothing was ${nothingWas}.` });
    }
    const found = (await retention.listRetained()).find((r) => r.id === resource.id);
    if (!found) {
      throw new RewindError({
        code: 'RETAINED_NOT_FOUND',
        userMessage: `${resource.id} is not kept by Rewind for ${resource.database} any more (it has no Rewind retention tags, or it was deleted). Nothing was ${nothingWas}.`,
      });
    }
    const asked = resource.asked;
    if (asked && (asked.retainUntil.getTime() !== found.retainUntil.getTime() || asked.retainedBy !== found.retainedBy)) {
      throw new RewindError({
        code: 'RETENTION_CHANGED',
        userMessage: `${found.id}'s retention changed after Rewind asked (it is now kept until ${found.retainUntil.toISOString()} for run ${found.retainedBy}), so this question no longer stands. Nothing was ${nothingWas}; Rewind asks again when that time passes.`,
      });
    }
    return { retention, found };
  }
}
