import type { ProviderResolver, ResourceRef } from '../src/providers/ports';
import { cutoverRollbackOf } from '../src/recovery/cutover-rollback';
import type { StepProcessor } from '../src/recovery/step-processor';

/**
 * After a successful cutover, tags the database it replaced with a retain-until time (the
 * `retention` setting); Rewind later asks before deleting it and never deletes without a click.
 * Undone when the cutover is rolled back: the replaced database is in service again, so its tags
 * come off, and the restored one (which may hold writes made since) is kept under retention instead.
 */
export function retainOldProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'retain-old',
    policy: { maxAttempts: 5, timeoutMs: 2 * 60_000 },
    async run(ctx) {
      const { retention } = providers(ctx.run.database);
      if (!retention) return { type: 'done', output: { retained: null }, detail: 'this source keeps no replaced database' };
      // Saved first, so a retry tags with the same time.
      const saved = ctx.step.state.until as string | undefined;
      const until = saved ? new Date(saved) : new Date(Date.now() + retention.retainForMs);
      if (!saved) await ctx.save({ until: until.toISOString() });
      const r = await retention.retainReplaced(ctx.run.id, until);
      if (!r) return { type: 'done', output: { retained: null }, detail: 'the replaced database no longer exists; nothing to keep' };
      const retained = { provider: r.provider, id: r.id, retainUntil: r.retainUntil.toISOString() };
      return { type: 'done', output: { retained }, detail: `${r.id} is kept until ${retained.retainUntil}; Rewind will ask before deleting it` };
    },
    async compensate(ctx) {
      const { retention } = providers(ctx.run.database);
      if (!retention) return;
      await retention.releaseReplaced(ctx.run.id);
      const ref = ctx.outputOf('restore')?.ref as ResourceRef | undefined;
      if (cutoverRollbackOf(ctx.run) && ref) await retention.retainRestored(ref, ctx.run.id, new Date(Date.now() + retention.retainForMs));
    },
    rollbackRole: () => 'undo',
  };
}
