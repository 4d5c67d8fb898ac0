import type { Drill } from './drill';
import type { DrillDeps } from './drill-ports';
import { freezeWindowAt, nextDrillOutsideFreeze, nextOccurrence, previousOccurrence } from './drill-schedule';
import { cancelDrill } from './start-drill';

export type AnnounceOutcome =
  | { type: 'announced'; drill: Drill; startsAt: Date; postedAt: Date }
  | { type: 'duplicate'; drill: Drill }
  | { type: 'frozen'; drill: Drill; window: { from: string; to: string }; next: Date | undefined }
  | { type: 'not-configured' };

/**
 * A drill scheduler fired: record the drill for its slot, post the announcement (Skip / Postpone)
 * and schedule its start. `plannedAt` is when the scheduler meant to fire (announceBefore ahead of
 * the slot); a late fire still announces the slot it was meant for. Firing twice for one slot
 * announces once. A slot inside a freeze window is recorded as cancelled; the channel is told once
 * per window, naming the next drill outside it.
 */
export async function announceScheduledDrill(deps: DrillDeps, database: string, plannedAt: Date): Promise<AnnounceOutcome> {
  const drills = deps.config.databases[database]?.drills;
  if (!drills) return { type: 'not-configured' };
  const slot = nextOccurrence(drills.schedule, drills.timezone, new Date(plannedAt.getTime() + drills.announceBefore - 1)) ?? new Date(plannedAt.getTime() + drills.announceBefore);

  for (const older of await deps.store.announcedBefore(database, slot)) {
    await cancelDrill(deps, older, `superseded by the drill scheduled for ${slot.toISOString()}`, { kind: 'superseded', by: slot });
  }

  const window = freezeWindowAt(slot, drills);
  if (window) {
    const next = nextDrillOutsideFreeze(drills, slot);
    const { drill, created } = await deps.store.insert({
      database,
      kind: 'drill',
      trigger: 'schedule',
      status: 'cancelled',
      channel: drills.channel,
      scheduledFor: slot,
      startsAt: slot,
      requestedBy: 'scheduler',
      note: `inside the freeze window ${window.from} – ${window.to}`,
    });
    const previous = previousOccurrence(drills.schedule, drills.timezone, slot);
    const firstInWindow = previous === undefined || freezeWindowAt(previous, drills) !== window;
    if (created && firstInWindow) await deps.announcer.notice(drill, { kind: 'frozen', window, next });
    return { type: 'frozen', drill, window, next };
  }

  const { drill, created } = await deps.store.insert({
    database,
    kind: 'drill',
    trigger: 'schedule',
    status: 'announced',
    channel: drills.channel,
    scheduledFor: slot,
    startsAt: slot,
    requestedBy: 'scheduler',
  });
  if (!created && (drill.announcementTs !== null || drill.status !== 'announced')) return { type: 'duplicate', drill };
  const ts = await deps.announcer.announce(drill);
  const postedAt = deps.now();
  if (ts !== undefined) await deps.store.setAnnouncement(drill.id, ts);
  await deps.jobs.scheduleStart(drill.id, drill.startsAt, drill.startsAt.getTime() - postedAt.getTime());
  deps.logger.info({ drillId: drill.id, database, startsAt: drill.startsAt.toISOString() }, 'drill announced');
  return { type: 'announced', drill: { ...drill, announcementTs: ts ?? null }, startsAt: drill.startsAt, postedAt };
}
