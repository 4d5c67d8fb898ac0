import type { ProviderResolver } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepProcessor } from '../src/recovery/step-processor';
import { checkTargetInWindow } from '../src/recovery/restore-window';

/** Re-checks the target against the source's restorable window right before anything is created. */
export function checkWindowProcessor(providers: ProviderResolver): StepProcessor {
  return {
    kind: 'check-window',
    policy: { maxAttempts: 3, timeoutMs: 60_000 },
    async run(ctx) {
      const { source } = providers(ctx.run.database);
      const desc = await source.describe();
      const problem = checkTargetInWindow(ctx.run.target, desc.window, desc.backups);
      if (problem) throw new RewindError({ code: problem.code, userMessage: problem.message });
      return {
        type: 'done',
        output: { engine: desc.engine, earliest: desc.window.earliest.toISOString(), latest: desc.window.latest.toISOString() },
        detail: `restorable ${desc.window.earliest.toISOString()} – ${desc.window.latest.toISOString()}`,
      };
    },
  };
}
