import { formatDuration } from '../config/duration';
import type { Decision } from '../recovery/approval-policy';
import { RewindError } from '../recovery/errors';
import type { Drill } from './drill';
import type { DrillDeps } from './drill-ports';
import { mayChangeDrill } from './drill-policy';
import { freezeWindowAt } from './drill-schedule';

/**
 * Skip and Postpone, as people use them: a click is checked first (refused with an explanation
 * and an audit row, or answered with a modal asking for the reason), then the submission is
 * validated (fast, before Slack's 3 s run out) and applied, re-checking everything. A reason is
 * required; it is stored in the audit trail.
 */

export type DrillChange = 'skip' | 'postpone';

/** A postponement is at least this long (shorter is a restart, not a postponement) and at most this long (longer is a skip). */
export const MIN_POSTPONE_MS = 15 * 60_000;
export const MAX_POSTPONE_MS = 14 * 86_400_000;
export const MAX_REASON_LENGTH = 500;

export type ChangeCheck = { ok: true; drill: Drill } | { ok: false; reason: string };

/** What a submission would do, or which of its fields is wrong and why. */
export type ChangeValidation = { ok: true; drill: Drill; reason: string; startsAt?: Date } | { ok: false; field: 'reason' | 'postponeBy' | 'form'; message: string };

/** May `user` skip or postpone this drill? A refusal is audited as `drill.<change>_refused`. */
export async function checkDrillChange(deps: DrillDeps, drillId: string, user: string, change: DrillChange): Promise<ChangeCheck> {
  const drill = await deps.store.get(drillId);
  if (!drill) return { ok: false, reason: `There is no drill ${drillId}; the message may be out of date. /dr drills shows each database's drills.` };
  const db = deps.config.databases[drill.database];
  const decision: Decision = db
    ? mayChangeDrill(user, drill, db, await deps.incidentCommander(drill.channel))
    : { allowed: false, reason: `${drill.database} is no longer in rewind.yml, so its drills cannot be changed.` };
  if (!decision.allowed) {
    await deps.store.audit({ actor: user, action: `drill.${change}_refused`, drill, detail: { reason: decision.reason } });
    return { ok: false, reason: decision.reason };
  }
  return { ok: true, drill };
}

export async function validateDrillChange(deps: DrillDeps, drillId: string, user: string, change: DrillChange, reason: string, byMs?: number): Promise<ChangeValidation> {
  const why = reason.trim();
  if (why === '') return { ok: false, field: 'reason', message: `Say why you ${change} this drill; the reason is kept in the audit trail.` };
  if (why.length > MAX_REASON_LENGTH) return { ok: false, field: 'reason', message: `Keep the reason under ${MAX_REASON_LENGTH} characters (it has ${why.length}).` };
  if (change === 'postpone' && (byMs === undefined || !Number.isFinite(byMs) || byMs < MIN_POSTPONE_MS || byMs > MAX_POSTPONE_MS)) {
    return { ok: false, field: 'postponeBy', message: `Say how long to postpone, between ${formatDuration(MIN_POSTPONE_MS)} and ${formatDuration(MAX_POSTPONE_MS)}, like 1h, 4h or 2d; skip the drill instead for longer.` };
  }
  const check = await checkDrillChange(deps, drillId, user, change);
  if (!check.ok) return { ok: false, field: 'form', message: check.reason };
  if (change === 'skip') return { ok: true, drill: check.drill, reason: why };
  const startsAt = new Date(Math.max(check.drill.startsAt.getTime(), deps.now().getTime()) + (byMs as number));
  const drills = deps.config.databases[check.drill.database]?.drills;
  const window = drills && check.drill.trigger === 'schedule' ? freezeWindowAt(startsAt, drills) : undefined;
  if (window) {
    return {
      ok: false,
      field: 'postponeBy',
      message: `Postponing by ${formatDuration(byMs as number)} lands inside the freeze window ${window.from} – ${window.to}, when no drills run. Choose a shorter postponement, or skip this drill.`,
    };
  }
  return { ok: true, drill: check.drill, reason: why, startsAt };
}

export async function skipDrill(deps: DrillDeps, drillId: string, user: string, reason: string): Promise<Drill> {
  const v = orThrow(await validateDrillChange(deps, drillId, user, 'skip', reason));
  const drill = await deps.store.decide(drillId, { type: 'skip', actor: user, reason: v.reason });
  await refresh(deps, drill);
  return drill;
}

export async function postponeDrill(deps: DrillDeps, drillId: string, user: string, reason: string, byMs: number): Promise<Drill> {
  const v = orThrow(await validateDrillChange(deps, drillId, user, 'postpone', reason, byMs));
  const startsAt = v.startsAt as Date;
  const drill = await deps.store.decide(drillId, { type: 'postpone', actor: user, reason: v.reason, startsAt });
  await deps.jobs.scheduleStart(drill.id, startsAt, startsAt.getTime() - deps.now().getTime());
  await refresh(deps, drill);
  return drill;
}

function orThrow(v: ChangeValidation): Extract<ChangeValidation, { ok: true }> {
  if (!v.ok) throw new RewindError({ code: v.field === 'form' ? 'DRILL_CHANGE_REFUSED' : 'DRILL_CHANGE_INVALID', userMessage: v.message });
  return v;
}

async function refresh(deps: DrillDeps, drill: Drill): Promise<void> {
  await deps.announcer.refresh(drill).catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'could not update the announcement'));
}
