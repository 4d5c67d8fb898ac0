import type { CheckResult, ProviderResolver } from '../src/providers/ports';
import { compensationPending, cutoverRollbackOf } from '../src/recovery/cutover-rollback';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';

async function runChecks(providers: ProviderResolver, database: string): Promise<{ results: CheckResult[]; failed: string | undefined }> {
  const results: CheckResult[] = [];
  for (const { check } of providers(database).healthChecks) results.push(await check.check());
  const failed = results.filter((r) => !r.passed);
  return { results, failed: failed.length > 0 ? failed.map((c) => `${c.name}: ${c.value} (expected ${c.expected})`).join('; ') : undefined };
}

/**
 * Health after cutover; failures retry with backoff (applications take a while to come back).
 * After a cutover rollback the same checks run again, once the rollback is done, until they
 * pass or the rollback's time runs out.
 */
export function verifyHealthProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'verify-health',
    policy: { maxAttempts: 6, backoffMs: 5_000, timeoutMs: 2 * 60_000 },
    async run(ctx) {
      const { results, failed } = await runChecks(providers, ctx.run.database);
      if (failed) {
        throw new RewindError({ code: 'HEALTH_CHECK_FAILED', userMessage: `Health check failed after cutover: ${failed}.`, retryable: true });
      }
      return { type: 'done', output: { checks: results }, detail: `${results.length} health check${results.length === 1 ? '' : 's'} passed` };
    },
    async compensate(ctx) {
      if (!cutoverRollbackOf(ctx.run)) return;
      const { failed } = await runChecks(providers, ctx.run.database);
      if (failed) throw compensationPending(`Health check failed after rolling back the cutover: ${failed}.`, 5_000);
    },
    rollbackRole: () => 'redo',
  };
}
