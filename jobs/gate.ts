import type { StepProcessor } from '../src/recovery/step-processor';

/** A gate does nothing but hand the run to humans; the approval use case moves it on. */
export const gateProcessor: StepProcessor = {
  kind: 'gate',
  policy: { maxAttempts: 1 },
  async run(ctx) {
    return { type: 'gate', detail: `waiting for approval: ${String(ctx.step.params.gate ?? ctx.step.name)}` };
  },
};
