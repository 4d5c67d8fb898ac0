import { RewindError } from './errors';
import type { RunStatus, StepStatus } from './run';

/**
 * The run state machine of shared/DESIGN.md. A failed run can be resumed, or aborted so that
 * what it created (a restored instance, a cutover) is undone. A succeeded run can have its
 * cutover rolled back (rolling_back, then aborted). Approving a gate that is a plan's last step
 * ends the run (awaiting_approval → succeeded).
 */
const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  planned: ['running', 'awaiting_approval', 'failed', 'aborted', 'rolling_back'],
  awaiting_approval: ['running', 'succeeded', 'aborted', 'rolling_back', 'failed'],
  running: ['awaiting_approval', 'succeeded', 'failed', 'aborted', 'rolling_back'],
  rolling_back: ['aborted', 'failed'],
  succeeded: ['rolling_back'],
  failed: ['running', 'rolling_back', 'aborted'],
  aborted: [],
};

/** Step machine: waiting covers both "polling an external operation" and "backing off before a retry". */
const STEP_TRANSITIONS: Record<StepStatus, readonly StepStatus[]> = {
  pending: ['running', 'waiting', 'skipped'],
  running: ['waiting', 'succeeded', 'failed', 'skipped'],
  waiting: ['running', 'succeeded', 'failed', 'skipped', 'waiting'],
  succeeded: [],
  failed: ['waiting'],
  skipped: [],
};

export function canTransitionRun(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function canTransitionStep(from: StepStatus, to: StepStatus): boolean {
  return STEP_TRANSITIONS[from].includes(to);
}

export function assertRunTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!canTransitionRun(from, to)) {
    throw new RewindError({
      code: 'INVALID_RUN_TRANSITION',
      userMessage: `Run ${runId} is ${from.replace('_', ' ')} and cannot become ${to.replace('_', ' ')}; see /dr status ${runId} for what it is doing now.`,
    });
  }
}

export function assertStepTransition(runId: string, idx: number, from: StepStatus, to: StepStatus): void {
  if (!canTransitionStep(from, to)) {
    throw new RewindError({
      code: 'INVALID_STEP_TRANSITION',
      userMessage: `Step ${idx + 1} of run ${runId} is ${from} and cannot become ${to}; see /dr status ${runId} for what it is doing now.`,
    });
  }
}
