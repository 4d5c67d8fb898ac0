import type { CutoverRecord, ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoredEndpoint } from './restore-target';

function cutoverAt(providers: ProviderResolver, database: string, index: number) {
  const entry = providers(database).cutovers[index];
  if (!entry) {
    throw new RewindError({ code: 'CUTOVER_NOT_CONFIGURED', userMessage: `${database} has no cutover number ${index + 1} in rewind.yml any more; abort this run and start a new one.` });
  }
  return entry;
}

/** Points applications at the restored instance, recording what it replaced so abort can roll back. */
export function cutoverProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'cutover',
    policy: { maxAttempts: 3, timeoutMs: 5 * 60_000 },
    async run(ctx) {
      const index = Number(ctx.step.params.index ?? 0);
      const { name, cutover } = cutoverAt(providers, ctx.run.database, index);
      const endpoint = await restoredEndpoint(providers, ctx);
      const record = await cutover.apply(endpoint, `${ctx.run.id}:${ctx.step.idx}`);
      await ctx.save({ record });
      return { type: 'done', output: { cutover: name, kind: record.kind }, detail: `${name}: now points at ${endpoint.host}:${endpoint.port}` };
    },
    async compensate(ctx) {
      const record = ctx.step.state.record as CutoverRecord | undefined;
      if (!record) return;
      await cutoverAt(providers, ctx.run.database, Number(ctx.step.params.index ?? 0)).cutover.rollback(record);
    },
  };
}
