import type { ProviderResolver, ResourceRef } from '../src/providers/ports';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoreName } from './restore-target';

/**
 * Starts the restore into a new instance under a deterministic name, saving the ref before
 * returning; a re-run adopts the same instance. Abort discards what this run created.
 */
export function restoreProcessor(providers: ProviderResolver, nameSuffix = 'dr'): StepProcessor {
  return {
    kind: 'restore',
    policy: { maxAttempts: 5, timeoutMs: 5 * 60_000 },
    async run(ctx) {
      const saved = ctx.step.state.ref as ResourceRef | undefined;
      const ref =
        saved ??
        (await providers(ctx.run.database).source.startRestore({
          target: ctx.run.target,
          name: restoreName(ctx.run.database, ctx.run.id, String(ctx.step.params.nameSuffix ?? nameSuffix)),
          tags: { 'managed-by': 'rewind', 'rewind-run': ctx.run.id, 'rewind-database': ctx.run.database },
        }));
      if (!saved) await ctx.save({ ref });
      return { type: 'done', output: { ref }, detail: `restoring into ${ref.id}` };
    },
    async compensate(ctx) {
      const ref = ctx.step.state.ref as ResourceRef | undefined;
      if (ref) await providers(ctx.run.database).source.discard(ref);
    },
  };
}
