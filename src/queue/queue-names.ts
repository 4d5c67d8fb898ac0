/** The one BullMQ queue that carries step tickets and compensation requests. */
export const STEP_QUEUE = 'steps';
export const STEP_JOB = 'step';
export const COMPENSATE_JOB = 'compensate';

/** Deterministic: the same ticket always maps to the same job, so BullMQ collapses duplicates. */
export function stepJobId(t: { runId: string; idx: number; attempt: number; wake: number }): string {
  return `${t.runId}.s${t.idx}.a${t.attempt}.w${t.wake}`;
}

export function compensationJobId(runId: string, round: number): string {
  return round < 0 ? `${runId}.comp.reconcile.${Math.floor(Date.now() / 60_000)}` : `${runId}.comp.${round}`;
}
