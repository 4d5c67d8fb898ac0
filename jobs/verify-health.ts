import type { ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';

/** Health after cutover; failures retry with backoff (applications take a while to come back). */
export function verifyHealthProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'verify-health',
    policy: { maxAttempts: 6, backoffMs: 5_000, timeoutMs: 2 * 60_000 },
    async run(ctx) {
      const results = [];
      for (const { check } of providers(ctx.run.database).healthChecks) results.push(await check.check());
      const failed = results.filter((r) => !r.passed);
      if (failed.length > 0) {
        throw new RewindError({
          code: 'HEALTH_CHECK_FAILED',
          userMessage: `Health check failed after cutover: ${failed.map((c) => `${c.name}: ${c.value} (expected ${c.expected})`).join('; ')}.`,
          retryable: true,
        });
      }
      return { type: 'done', output: { checks: results }, detail: `${results.length} health checks passed` };
    },
  };
}
