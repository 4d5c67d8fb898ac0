import type { Cutover, CutoverRecord, ProviderResolver } from '../src/providers/ports';
import { compensationPending, cutoverRollbackOf } from '../src/recovery/cutover-rollback';
import { RewindError } from '../src/recovery/errors';
import type { StepContext, StepProcessor } from '../src/recovery/step-processor';
import { restoredEndpoint } from './restore-target';
import { restorePointOf } from './restore-point';

/**
 * The cutover a step was planned for. The plan names it as well as numbering it: when rewind.yml
 * changed since approval, the step refuses rather than apply a cutover nobody approved.
 */
function cutoverAt(providers: ProviderResolver, database: string, index: number, planned?: unknown): { name: string; cutover: Cutover } {
  const entry = providers(database).cutovers[index];
  if (!entry) {
    throw new RewindError({ code: 'CUTOVER_NOT_CONFIGURED', userMessage: `${database} has no cutover number ${index + 1} in rewind.yml any more; abort this run and start a new one.` });
  }
  if (typeof planned === 'string' && planned !== entry.name) {
    throw new RewindError({
      code: 'CUTOVER_CHANGED',
      userMessage: `Cutover ${index + 1} of ${database} is now "${entry.name}" in rewind.yml, but this run was approved for "${planned}". Nothing was changed; abort this run and start a new one.`,
    });
  }
  return entry;
}

const indexOf = (ctx: Pick<StepContext, 'step'>): number => Number(ctx.step.params.index ?? 0);

/** What changed after the restore point that the restored copy lacks (a rotated password). */
async function warningsFor(cutover: Cutover, providers: ProviderResolver, ctx: StepContext): Promise<string[]> {
  if (!cutover.rotationWarning) return [];
  const point = await restorePointOf(providers, ctx);
  const warning = point ? await cutover.rotationWarning(point) : undefined;
  return warning ? [warning] : [];
}

function withWarnings(detail: string, warnings: string[]): string {
  return warnings.length > 0 ? `${detail}\n${warnings.map((w) => `⚠️ ${w}`).join('\n')}` : detail;
}

/**
 * Points applications at the restored instance. Applies once, saving what it replaced before
 * returning (so a retry, an abort or a later rollback finds it), then, for cutovers that take
 * effect over time (a rolling restart), waits without holding a worker until they report done.
 * Warnings (a secret rotated after the restore point) are checked before applying and kept in
 * the step's output for the run's thread.
 */
export function cutoverProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'cutover',
    policy: { maxAttempts: 3, timeoutMs: 5 * 60_000, pollMs: 5_000, deadlineMs: 60 * 60_000 },
    async run(ctx) {
      const { name, cutover } = cutoverAt(providers, ctx.run.database, indexOf(ctx), ctx.step.params.cutover);
      let record = ctx.step.state.record as CutoverRecord | undefined;
      let warnings = ctx.step.state.warnings as string[] | undefined;
      if (!warnings) {
        warnings = await warningsFor(cutover, providers, ctx);
        await ctx.save({ warnings });
      }
      let target = ctx.step.state.appliedTo as string | undefined;
      if (!record) {
        const endpoint = await restoredEndpoint(providers, ctx);
        record = await cutover.apply(endpoint, `${ctx.run.id}:${ctx.step.idx}`);
        target = `${endpoint.host}:${endpoint.port}`;
        await ctx.save({ record, appliedTo: target });
      }
      if (cutover.poll) {
        const p = await cutover.poll(record);
        if (p.state === 'pending') return { type: 'wait', retryAfterMs: p.retryAfterMs, detail: withWarnings(`${name}: ${p.detail ?? 'taking effect'}`, warnings) };
        if (p.state === 'failed') {
          throw new RewindError({
            code: 'CUTOVER_FAILED',
            userMessage: `${name} did not complete: ${p.reason} The change was applied; fix the cause, then /dr resume to look again, or /dr abort to roll the cutover back.`,
          });
        }
      }
      return {
        type: 'done',
        output: { cutover: name, kind: record.kind, warnings },
        detail: withWarnings(`${name}: now points at ${target ?? 'the restored instance'}`, warnings),
      };
    },
    async compensate(ctx) {
      const record = ctx.step.state.record as CutoverRecord | undefined;
      if (!record) return;
      const { name, cutover } = cutoverAt(providers, ctx.run.database, indexOf(ctx), ctx.step.params.cutover);
      await cutover.rollback(record);
      // Rolling back a succeeded run's cutover waits for a restart to roll out before re-checking health.
      if (!cutoverRollbackOf(ctx.run) || !cutover.poll) return;
      const p = await cutover.poll(record);
      if (p.state === 'pending') throw compensationPending(`${name}: ${p.detail ?? 'taking effect'}`, p.retryAfterMs ?? 5_000);
      if (p.state === 'failed') throw new RewindError({ code: 'CUTOVER_ROLLBACK_FAILED', userMessage: `${name} did not complete after the rollback: ${p.reason}` });
    },
    rollbackRole(ctx) {
      if (!ctx.step.state.record) return undefined;
      return cutoverAt(providers, ctx.run.database, indexOf(ctx), ctx.step.params.cutover).cutover.reloadsConsumers ? 'redo' : 'undo';
    },
  };
}
