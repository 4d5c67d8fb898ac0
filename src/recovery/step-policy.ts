/** How long one execution may take, how long the step may wait in total, and how it retries. */
export interface StepPolicy {
  /** One execution of the processor; past it the attempt fails as retryable (STEP_TIMEOUT). */
  timeoutMs: number;
  /** From the step's first start to done, including waiting and retries (e.g. a one-hour restore). */
  deadlineMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
  /** Default delay between polls of a waiting step when the processor names none. */
  pollMs: number;
}

export const DEFAULT_STEP_POLICY: StepPolicy = {
  timeoutMs: 5 * 60_000,
  deadlineMs: 6 * 3600_000,
  maxAttempts: 5,
  backoffMs: 2_000,
  backoffFactor: 2,
  maxBackoffMs: 5 * 60_000,
  pollMs: 15_000,
};

export function resolvePolicy(...layers: Array<Partial<StepPolicy> | undefined>): StepPolicy {
  return Object.assign({}, DEFAULT_STEP_POLICY, ...layers.filter(Boolean));
}

/** Delay before attempt `nextAttempt` (2 = first retry): exponential, capped. */
export function backoffDelay(policy: StepPolicy, nextAttempt: number): number {
  const exp = policy.backoffMs * policy.backoffFactor ** Math.max(0, nextAttempt - 2);
  return Math.min(policy.maxBackoffMs, Math.round(exp));
}
