import { assertRunTransition, assertStepTransition } from '../../../src/recovery/run-state';

describe('run and step transitions', () => {
  it('refuses an impossible transition, pointing at /dr status for what the run is doing', () => {
    expect(() => assertRunTransition('r-k3m9qz', 'aborted', 'running')).toThrow(
      expect.objectContaining({ code: 'INVALID_RUN_TRANSITION', userMessage: 'Run r-k3m9qz is aborted and cannot become running; see /dr status r-k3m9qz for what it is doing now.' }),
    );
    expect(() => assertStepTransition('r-k3m9qz', 2, 'succeeded', 'running')).toThrow(
      expect.objectContaining({ code: 'INVALID_STEP_TRANSITION', userMessage: expect.stringContaining('Step 3 of run r-k3m9qz is succeeded and cannot become running; see /dr status r-k3m9qz') }),
    );
    expect(() => assertRunTransition('r-k3m9qz', 'failed', 'running')).not.toThrow();
  });
});
