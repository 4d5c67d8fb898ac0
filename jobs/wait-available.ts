import type { ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { restoredRef } from './restore-target';

/** Polls the restore; "not yet" becomes a delayed job, so an hour-long restore holds no worker. */
export function waitAvailableProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'wait-available',
    policy: { pollMs: 15_000, deadlineMs: 6 * 3600_000, timeoutMs: 2 * 60_000 },
    async run(ctx) {
      const ref = restoredRef(ctx);
      const res = await providers(ctx.run.database).source.poll(ref);
      if (res.state === 'pending') return { type: 'wait', retryAfterMs: res.retryAfterMs, detail: res.detail ?? `${ref.id} is not available yet` };
      if (res.state === 'failed') {
        // Not /dr resume: the restore step keeps its ref, so a resume would poll the same failed restore.
        const reason = /[.!?]$/.test(res.reason) ? res.reason : `${res.reason}.`;
        throw new RewindError({ code: 'RESTORE_FAILED', userMessage: `The restore into ${ref.id} failed: ${reason} /dr abort ${ctx.run.id} discards it; then start a new run.` });
      }
      const { host, port, database } = res.endpoint;
      return { type: 'done', output: { host, port, database: database ?? null }, detail: res.detail ?? `${ref.id} is available at ${host}:${port}` };
    },
  };
}
