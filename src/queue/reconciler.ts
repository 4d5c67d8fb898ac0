import type { RunEngine } from '../recovery/run-engine';
import type { EngineLogger } from '../recovery/step-executor';

export interface Reconciler {
  stop(): void;
  /** Resolves after the first pass, which runs at once. */
  ready: Promise<void>;
}

/** Runs the engine's reconcile at start and then every `intervalMs` (a minute by default). */
export function startReconciler(engine: RunEngine, logger: EngineLogger, intervalMs = 60_000): Reconciler {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const n = await engine.reconcile();
      if (n > 0) logger.info({ enqueued: n }, 'reconciler re-enqueued active runs');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'reconcile pass failed');
    } finally {
      running = false;
    }
  };
  const ready = pass();
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), ready };
}
