import { DISCARD_PENDING, type ProviderResolver, type ResourceRef } from '../src/providers/ports';
import type { Run } from '../src/recovery/run';
import type { StepProcessor } from '../src/recovery/step-processor';
import { compensationPending } from '../src/recovery/cutover-rollback';
import { RewindError, retryAfterMsOf } from '../src/recovery/errors';
import { restoreName } from './restore-target';

interface IntendedRestore {
  name: string;
  tags: Record<string, string>;
}

/** True once any cutover of the run has started: applications may have written to the copy since. */
function cutOver(run: Pick<Run, 'steps'>): boolean {
  return run.steps.some((s) => s.kind === 'cutover' && s.startedAt !== null);
}

/**
 * Starts the restore into a new instance under a deterministic name. The intent (name and tags)
 * is saved before the provider is called and the ref after, so a crash in between leaves
 * something abort can still find; a re-run adopts the same instance.
 *
 * Abort discards what this run created — unless a cutover has started: then the restored copy
 * may hold production writes, so it is kept (under retention where the provider has one).
 */
export function restoreProcessor(providers: ProviderResolver, nameSuffix = 'dr'): StepProcessor {
  return {
    kind: 'restore',
    policy: { maxAttempts: 5, timeoutMs: 5 * 60_000 },
    async run(ctx) {
      const saved = ctx.step.state.ref as ResourceRef | undefined;
      if (saved) return { type: 'done', output: { ref: saved }, detail: `restoring into ${saved.id}` };
      const intended: IntendedRestore = {
        name: restoreName(ctx.run.database, ctx.run.id, String(ctx.step.params.nameSuffix ?? nameSuffix)),
        tags: { 'managed-by': 'rewind', 'rewind-run': ctx.run.id, 'rewind-database': ctx.run.database },
      };
      await ctx.save({ intended });
      const ref = await providers(ctx.run.database).source.startRestore({ target: ctx.run.target, ...intended });
      await ctx.save({ ref });
      return { type: 'done', output: { ref }, detail: `restoring into ${ref.id}` };
    },
    async compensate(ctx) {
      const { source, retention } = providers(ctx.run.database);
      const intended = ctx.step.state.intended as IntendedRestore | undefined;
      const ref = (ctx.step.state.ref as ResourceRef | undefined) ?? (intended ? { provider: 'intended', id: intended.name, runId: ctx.run.id, tags: intended.tags } : undefined);
      if (!ref) return;
      if (cutOver(ctx.run)) {
        if (retention) await retention.retainRestored(ref, ctx.run.id, new Date(Date.now() + retention.retainForMs));
        return;
      }
      try {
        await source.discard(ref);
      } catch (err) {
        // A copy still being created (or changing) is waited for, not given up on after a few quick rounds.
        if (err instanceof RewindError && err.code === DISCARD_PENDING) throw compensationPending(err.userMessage, retryAfterMsOf(err) ?? 30_000);
        throw err;
      }
    },
  };
}
