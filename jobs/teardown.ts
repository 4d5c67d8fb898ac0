import { DISCARD_PENDING, type ProviderResolver } from '../src/providers/ports';
import { RewindError, retryAfterMsOf } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoredRef } from './restore-target';

/**
 * Discards the restored sandbox (drills). Idempotent: a missing resource is success. A sandbox
 * the provider cannot delete yet (still being created or modified, a protection change not
 * applied) is waited for without holding a worker, up to the step's deadline (an hour from its
 * first start, as an abort waits); then the step fails with STEP_DEADLINE. Failures get the step's
 * attempts.
 */
export function teardownProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'teardown',
    policy: { maxAttempts: 5, timeoutMs: 10 * 60_000, deadlineMs: 60 * 60_000 },
    async run(ctx) {
      const ref = restoredRef(ctx);
      try {
        await providers(ctx.run.database).source.discard(ref);
      } catch (err) {
        if (!(err instanceof RewindError) || err.code !== DISCARD_PENDING) throw err;
        return { type: 'wait', retryAfterMs: retryAfterMsOf(err), detail: `Waiting until the sandbox ${ref.id} can be deleted: ${err.userMessage}` };
      }
      return { type: 'done', output: { discarded: ref.id }, detail: `${ref.id} removed` };
    },
  };
}
