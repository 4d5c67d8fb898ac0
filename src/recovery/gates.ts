import type { Run, Step } from './run';

/** The gate a run is waiting at: the current step is a gate step and the run awaits approval. */
export interface CurrentGate {
  step: Step;
  gate: string;
}

/** The gate a run waits at now, or undefined when it is not awaiting an approval. */
export function currentGate(run: Pick<Run, 'status' | 'steps' | 'currentStep'>): CurrentGate | undefined {
  if (run.status !== 'awaiting_approval') return undefined;
  const step = run.steps[run.currentStep];
  if (step === undefined || step.kind !== 'gate' || step.status !== 'waiting') return undefined;
  return { step, gate: gateName(step) };
}

/** A gate step's name as approvals and buttons carry it ("restore", "cutover"). */
export function gateName(step: Pick<Step, 'params' | 'name'>): string {
  const gate = step.params.gate;
  return typeof gate === 'string' && gate !== '' ? gate : step.name;
}

/**
 * True when approving this gate lets applications switch to the restored copy: it is named
 * "cutover", or the next step that does something is a cutover (a failover's quorum gate).
 */
export function isCutoverGate(run: Pick<Run, 'steps'>, idx: number): boolean {
  const step = run.steps[idx];
  if (step === undefined || step.kind !== 'gate') return false;
  if (gateName(step) === 'cutover') return true;
  const next = run.steps.slice(idx + 1).find((s) => s.kind !== 'gate');
  return next?.kind === 'cutover';
}
