import type { Run, Step } from './run';
import type { StepPolicy } from './step-policy';

/**
 * What one execution of a step decided. `wait` means "not yet, look again in N ms" and never
 * blocks a worker; `gate` hands the run to humans until an approval arrives.
 */
export type StepOutcome =
  | { type: 'done'; output?: Record<string, unknown>; detail?: string }
  | { type: 'wait'; retryAfterMs?: number; detail?: string }
  | { type: 'gate'; detail?: string };

export interface StepContext {
  run: Run;
  step: Step;
  /** Aborted when the execution times out or the worker shuts down. */
  signal: AbortSignal;
  /**
   * Persists step-local facts (e.g. the restored instance's ref) before moving on, so a re-run
   * after a crash adopts instead of repeating. Merged into the step's state; survives abort.
   */
  save(patch: Record<string, unknown>): Promise<void>;
  /** Output of the latest succeeded step of that kind in this run. */
  outputOf(kind: string): Record<string, unknown> | undefined;
  /** Who asked for this run, for tags and audit. */
  actor: string;
}

/**
 * One step kind. `run` must be idempotent: it may be called again for the same step after a
 * crash, a lost job or a retry. `compensate` undoes what the step did when a run is aborted,
 * also idempotently (called with the step's saved state; a missing resource is success).
 */
export interface StepProcessor {
  kind: string;
  policy?: Partial<StepPolicy>;
  run(ctx: StepContext): Promise<StepOutcome>;
  compensate?(ctx: Omit<StepContext, 'save' | 'signal'>): Promise<void>;
  /**
   * How the step takes part in undoing: 'undo' steps are compensated newest first, then 'redo'
   * steps oldest first (a restart that must re-read what the undos put back, a health re-check).
   * Rolling back a succeeded run's cutover (RunEngine.rollbackCutover) compensates only steps
   * that return a role; the rest (the restored database) stay. Without it a step is an 'undo'.
   */
  rollbackRole?(ctx: Pick<StepContext, 'run' | 'step'>): 'undo' | 'redo' | undefined;
}

export type ProcessorRegistry = ReadonlyMap<string, StepProcessor>;

export function registry(...processors: StepProcessor[]): ProcessorRegistry {
  const map = new Map<string, StepProcessor>();
  for (const p of processors) {
    if (map.has(p.kind)) throw new Error(`two step processors registered for kind "${p.kind}"`);
    map.set(p.kind, p);
  }
  return map;
}
