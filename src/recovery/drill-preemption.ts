import type { RunStore } from './engine-ports';
import { RewindError } from './errors';
import type { Plan, Run } from './run';
import type { RunEngine } from './run-engine';

export interface PreemptingStart {
  run: Run;
  /** The drill run that was aborted to make way, when there was one. */
  preemptedDrill?: string;
}

/**
 * Starts an incident run; a drill holding the database gives way. A drill is practice and an
 * incident is not: at 3 a.m. nobody should have to find and abort a drill before recovering.
 * The drill is aborted (its sandbox torn down by compensation, after it has let go of the
 * database); any other active run still refuses the start.
 */
export async function startPreemptingDrill(
  engine: Pick<RunEngine, 'start' | 'abort'>,
  store: Pick<RunStore, 'getRun'>,
  input: { plan: Plan; requestedBy: string; channel?: string | null; meta?: Record<string, unknown> },
  o: { waitMs?: number; pollMs?: number } = {},
): Promise<PreemptingStart> {
  try {
    return { run: await engine.start(input) };
  } catch (err) {
    const holderId = err instanceof RewindError && err.code === 'RUN_ALREADY_ACTIVE' ? (err.detail?.activeRunId as string | undefined) : undefined;
    const holder = holderId ? await store.getRun(holderId) : undefined;
    if (!holder || holder.path !== 'drill' || input.plan.path === 'drill') throw err;
    if (holder.status !== 'rolling_back') {
      await engine.abort(holder.id, 'rewind', `preempted: ${input.requestedBy} started a ${input.plan.path} of ${input.plan.database}`).catch((e: unknown) => {
        if (!(e instanceof RewindError && e.code === 'RUN_NOT_ACTIVE')) throw e;
      });
    }
    // An aborted drill gives the database up at once (its undo only touches its sandbox); the
    // loop covers a drill whose abort is still being committed by another process.
    const deadline = Date.now() + (o.waitMs ?? 30_000);
    for (;;) {
      try {
        return { run: await engine.start(input), preemptedDrill: holder.id };
      } catch (again) {
        const stillDrill = again instanceof RewindError && again.code === 'RUN_ALREADY_ACTIVE' && again.detail?.activeRunId === holder.id;
        if (!stillDrill) throw again;
        if (Date.now() > deadline) {
          throw new RewindError({
            code: 'DRILL_STILL_HOLDS_DATABASE',
            userMessage: `A drill (${holder.id}) was running on ${holder.database}; Rewind aborted it, but it still holds the database. Run the same command again in a minute.`,
            retryable: true,
          });
        }
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
  }
}
