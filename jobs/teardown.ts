import type { ProviderResolver } from '../src/providers/ports';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoredRef } from './restore-target';

/** Discards the restored sandbox (drills). Idempotent: a missing resource is success. */
export function teardownProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'teardown',
    policy: { maxAttempts: 5, timeoutMs: 10 * 60_000 },
    async run(ctx) {
      const ref = restoredRef(ctx);
      await providers(ctx.run.database).source.discard(ref);
      return { type: 'done', output: { discarded: ref.id }, detail: `${ref.id} removed` };
    },
  };
}
