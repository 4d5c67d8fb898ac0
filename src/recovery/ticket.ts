import type { Step, StepTicket } from './run';

export function ticketOf(step: Pick<Step, 'runId' | 'idx' | 'attempt' | 'wake'>): StepTicket {
  return { runId: step.runId, idx: step.idx, attempt: step.attempt, wake: step.wake };
}
