import type { Run } from '../recovery/run';
import type { Drill } from './drill';
import type { DrillDeps } from './drill-ports';
import { buildDrillReport, sandboxState, type Objectives } from './drill-report';

export type SettleOutcome = 'not-a-drill' | 'running' | 'tearing-down' | 'reported' | 'already-reported';

export const TEARDOWN_REASON = 'drill failed: tearing down';

/**
 * Looks at a drill's run after it changed and does what the drill still owes:
 * - failed (at any step): ask the engine to abort it, which compensates the restore, i.e.
 *   discards the sandbox; a drill never leaves a restored copy behind on purpose;
 * - ended (succeeded, aborted, or failed because the discard itself failed): store the report
 *   once, post the scorecard, and alert the channel when the sandbox could not be removed.
 * Safe to call any number of times (observer events, the sweep, job retries).
 */
export async function settleDrillRun(deps: DrillDeps, runId: string): Promise<SettleOutcome> {
  const drill = await deps.store.byRun(runId);
  if (!drill) return 'not-a-drill';
  if (drill.status !== 'running') return 'already-reported';
  const run = await deps.runs.getRun(runId);
  if (!run) return 'running';
  const state = sandboxState(run, drill.teardown === 'requested');
  switch (state.state) {
    case 'running':
    case 'tearing-down':
      return state.state;
    case 'needs-teardown':
      await requestTeardown(deps, drill, run);
      return 'tearing-down';
    case 'settled':
      return report(deps, drill, run, state.teardown, state.problem);
  }
}

async function requestTeardown(deps: DrillDeps, drill: Drill, run: Run): Promise<void> {
  await deps.store.setTeardown(drill.id, 'requested');
  try {
    await deps.engine.abort(run.id, 'rewind', TEARDOWN_REASON);
  } catch (err) {
    // Someone resumed or aborted it meanwhile: let the next change of the run decide again.
    await deps.store.setTeardown(drill.id, 'pending');
    deps.logger.warn({ drillId: drill.id, runId: run.id, err: (err as Error).message }, 'could not abort the failed drill run to tear it down');
  }
}

async function report(deps: DrillDeps, drill: Drill, run: Run, teardown: 'done' | 'failed', problem: string | null): Promise<SettleOutcome> {
  const rep = buildDrillReport(drill, run, objectivesOf(deps, run), { status: teardown, problem });
  const finished = await deps.store.finish(drill.id, rep, run.finishedAt ?? deps.now());
  if (!finished) return 'already-reported';
  const done = (await deps.store.get(drill.id)) ?? drill;
  const say = async (what: string, fn: () => Promise<void>) =>
    fn().catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, `could not post the drill's ${what}`));
  await say('scorecard', () => deps.announcer.scorecard(done, rep));
  if (teardown === 'failed') await say('teardown alert', () => deps.announcer.notice(done, { kind: 'teardown-failed', resource: rep.teardown.resource, problem: problem ?? 'unknown error', runId: run.id }));
  await say('announcement update', () => deps.announcer.refresh(done));
  deps.logger.info({ drillId: drill.id, runId: run.id, result: rep.result, rtoMs: rep.rto.ms, rpoMs: rep.rpo.ms, teardown }, 'drill reported');
  return 'reported';
}

/** The objectives the drill was started against (kept in the run's meta), else today's rewind.yml. */
function objectivesOf(deps: DrillDeps, run: Run): Objectives {
  const db = deps.config.databases[run.database];
  const rto = typeof run.meta.rtoMs === 'number' ? run.meta.rtoMs : (db?.rto ?? 0);
  const rpo = typeof run.meta.rpoMs === 'number' ? run.meta.rpoMs : (db?.rpo ?? 0);
  return { rtoMs: rto, rpoMs: rpo };
}
