import type { ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoredEndpoint } from './restore-target';

/** Runs the runbook's checks on the restored copy; any failed check stops the run before cutover. */
export function validateProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'validate',
    policy: { maxAttempts: 3, timeoutMs: 10 * 60_000 },
    async run(ctx) {
      const { validator } = providers(ctx.run.database);
      if (!validator) return { type: 'done', output: { checks: [] }, detail: 'no validation checks configured' };
      const endpoint = await restoredEndpoint(providers, ctx);
      const checks = await validator.validate(endpoint, ctx.run.target);
      const failed = checks.filter((c) => !c.passed);
      if (failed.length > 0) {
        throw new RewindError({
          code: 'VALIDATION_FAILED',
          userMessage: `Validation failed: ${failed.map((c) => `${c.name} = ${c.value} (expected ${c.expected})`).join('; ')}. The restored copy was not cut over; inspect it, then /dr resume to re-validate or /dr abort to discard it.`,
          detail: { checks },
        });
      }
      return { type: 'done', output: { checks }, detail: `${checks.length} checks passed` };
    },
  };
}
