import type { DatabaseConfig } from '../config/schema';
import { RewindError } from '../recovery/errors';
import type { Plan, Run } from '../recovery/run';
import type { Drill } from './drill';
import type { DrillDeps, DrillNotice } from './drill-ports';
import { drillPlan, drillTarget } from './drill-plan';
import { freezeWindowAt, nextDrillOutsideFreeze } from './drill-schedule';

export const DEFAULT_RETRY_AFTER_INCIDENT_MS = 3_600_000;

/** What starting a drill needs; only postponing (scheduled drills) needs the job transport too. */
export type StartDeps = Omit<DrillDeps, 'jobs' | 'incidentCommander'>;

export type StartOutcome =
  | { type: 'started'; drill: Drill; run: Run }
  | { type: 'stale'; reason: string }
  | { type: 'postponed'; drill: Drill; until: Date; runId: string }
  | { type: 'cancelled'; reason: string };

/**
 * Starts an announced drill when its time has come. The job carries the start time it was
 * scheduled for; a drill postponed since then has a later one, so the old job is stale. No drill
 * starts while another run holds the database (it is postponed and says so) or, when scheduled,
 * inside a freeze window (it is cancelled and says when the next one is).
 */
export async function startAnnouncedDrill(deps: DrillDeps, drillId: string, startsAtMs?: number): Promise<StartOutcome> {
  const drill = await deps.store.get(drillId);
  if (!drill || drill.status !== 'announced') return { type: 'stale', reason: drill ? `drill is ${drill.status}` : 'no such drill' };
  if (startsAtMs !== undefined && drill.startsAt.getTime() !== startsAtMs) return { type: 'stale', reason: 'drill was postponed' };
  const db = deps.config.databases[drill.database];
  if (!db) {
    const reason = `${drill.database} is no longer in rewind.yml`;
    return cancelDrill(deps, drill, reason, { kind: 'cancelled', reason });
  }
  if (drill.trigger === 'schedule' && db.drills) {
    const window = freezeWindowAt(drill.startsAt, db.drills);
    if (window) return cancelDrill(deps, drill, `inside the freeze window ${window.from} – ${window.to}`, { kind: 'frozen', window, next: nextDrillOutsideFreeze(db.drills, drill.startsAt) });
  }
  const holder = await deps.runs.activeRunFor(drill.database);
  if (holder) {
    const adopted = await adoptOwnRun(deps, drill, holder.id);
    if (adopted) return adopted;
    return postponeForIncident(deps, drill, holder.id);
  }
  let plan: Plan;
  try {
    plan = await planFor(deps, db, drill);
  } catch (err) {
    const problem = err instanceof RewindError ? err.userMessage : (err as Error).message;
    return cancelDrill(deps, drill, `could not start: ${problem}`, { kind: 'start-failed', problem });
  }
  return begin(deps, drill, db, plan, (holderId) => postponeForIncident(deps, drill, holderId));
}

/** `/dr drill <db>`: an operator's drill, started now. Refused, naming the run, while another run holds the database. */
export async function startManualDrill(deps: StartDeps, database: string, user: string, channel: string): Promise<{ drill: Drill; run: Run }> {
  const db = deps.config.databases[database];
  if (!db) throw new RewindError({ code: 'UNKNOWN_DATABASE', userMessage: `${database} is not in rewind.yml; the configured databases are ${Object.keys(deps.config.databases).join(', ')}.` });
  const holder = await deps.runs.activeRunFor(database);
  if (holder) {
    throw new RewindError({
      code: 'RUN_ALREADY_ACTIVE',
      userMessage: `${database} has an active run, ${holder.id} (${holder.status.replace('_', ' ')}); a drill would compete with it. Try again when it has finished, or see /dr status ${holder.id}.`,
    });
  }
  const plan = await planFor(deps, db, { kind: 'drill' });
  const { drill } = await deps.store.insert({ database, kind: 'drill', trigger: 'manual', status: 'announced', channel, scheduledFor: null, startsAt: deps.now(), requestedBy: user });
  const out = await begin(deps, drill, db, plan, (holderId) => refuseBusy(deps, drill, holderId));
  if (out.type === 'started') return { drill: out.drill, run: out.run };
  throw new RewindError({ code: 'DRILL_NOT_STARTED', userMessage: `The drill of ${database} did not start: ${'reason' in out ? out.reason : 'another run took the database'}. Try again when ${database} is free.` });
}

/**
 * Creates the run and links it to the drill. If the drill stopped being announced meanwhile
 * (someone skipped it a moment ago) the fresh run is aborted at once, so a skip always wins.
 */
export async function begin(deps: StartDeps, drill: Drill, db: Pick<DatabaseConfig, 'name' | 'rto' | 'rpo'>, plan: Plan, whenBusy: (holderRunId: string) => Promise<StartOutcome>): Promise<StartOutcome> {
  let run: Run;
  try {
    run = await deps.engine.start({ plan, requestedBy: drill.requestedBy, channel: drill.channel, meta: { drillId: drill.id, drillKind: drill.kind, rtoMs: db.rto, rpoMs: db.rpo } });
  } catch (err) {
    const holder = err instanceof RewindError && err.code === 'RUN_ALREADY_ACTIVE' ? await deps.runs.activeRunFor(drill.database) : undefined;
    if (holder) return whenBusy(holder.id);
    const problem = err instanceof RewindError ? err.userMessage : (err as Error).message;
    return cancelDrill(deps, drill, `could not start: ${problem}`, drill.announcementTs !== null ? { kind: 'start-failed', problem } : undefined);
  }
  const running = await deps.store.markRunning(drill.id, run.id);
  if (!running) {
    await deps.engine.abort(run.id, 'rewind', 'the drill was skipped or cancelled while it was starting').catch(() => undefined);
    return { type: 'stale', reason: 'drill changed while starting' };
  }
  await deps.announcer.refresh(running).catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'could not update the announcement'));
  deps.logger.info({ drillId: drill.id, runId: run.id, database: drill.database }, 'drill started');
  return { type: 'started', drill: running, run };
}

async function planFor(deps: Pick<StartDeps, 'providers' | 'random'>, db: DatabaseConfig, drill: Pick<Drill, 'kind'>): Promise<Plan> {
  const mode = db.drills?.target ?? 'latest';
  const window = mode === 'random' ? (await deps.providers(db.name).source.describe()).window : undefined;
  return drillPlan(db, drillTarget(mode, window, deps.random), drill.kind);
}

/** After a crash between creating the run and linking it, the run holding the lock is our own. */
async function adoptOwnRun(deps: StartDeps, drill: Drill, runId: string): Promise<StartOutcome | undefined> {
  const run = await deps.runs.getRun(runId);
  if (run?.meta.drillId !== drill.id) return undefined;
  const running = await deps.store.markRunning(drill.id, run.id);
  return running ? { type: 'started', drill: running, run } : { type: 'stale', reason: 'drill changed while starting' };
}

async function postponeForIncident(deps: DrillDeps, drill: Drill, runId: string): Promise<StartOutcome> {
  const until = new Date(deps.now().getTime() + (deps.retryAfterIncidentMs ?? DEFAULT_RETRY_AFTER_INCIDENT_MS));
  const postponed = await deps.store.postpone(drill.id, until, `run ${runId} is active on ${drill.database}`);
  if (!postponed) return { type: 'stale', reason: 'drill changed while postponing' };
  await deps.jobs.scheduleStart(drill.id, until, until.getTime() - deps.now().getTime());
  await deps.announcer.notice(postponed, { kind: 'postponed-incident', runId, until });
  await deps.announcer.refresh(postponed).catch(() => undefined);
  return { type: 'postponed', drill: postponed, until, runId };
}

/** Cancels an announced drill (once), says why in its thread, and takes the buttons off its announcement. */
export async function cancelDrill(deps: StartDeps, drill: Drill, note: string, notice?: DrillNotice): Promise<StartOutcome> {
  const cancelled = await deps.store.cancel(drill.id, note);
  if (cancelled) {
    if (notice) await deps.announcer.notice(cancelled, notice).catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'could not post a drill notice'));
    await deps.announcer.refresh(cancelled).catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'could not update the announcement'));
  }
  return { type: 'cancelled', reason: note };
}

/** A drill that must not wait (manual, nightly) is cancelled when another run holds the database. */
export function refuseBusy(deps: StartDeps, drill: Drill, holderId: string): Promise<StartOutcome> {
  return cancelDrill(deps, drill, `run ${holderId} is active on ${drill.database}`);
}
