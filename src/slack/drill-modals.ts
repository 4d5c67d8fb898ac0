import { formatDuration, parseDuration } from '../config/duration';
import type { Drill } from '../drills/drill';
import { MAX_POSTPONE_MS, MAX_REASON_LENGTH, MIN_POSTPONE_MS, type DrillChange } from '../drills/drill-decisions';
import { plain, section } from './blocks';
import { DRILL_ACTION, DRILL_BLOCK, DRILL_CALLBACK, encodeDrillModalMetadata } from './drill-ids';
import { dualClock } from './format';
import { escapeMrkdwn } from './mrkdwn';

/**
 * The Skip and Postpone modals: a reason is required (it goes to the audit trail), and a
 * postponement is chosen from fixed lengths. private_metadata names the drill and the channel;
 * the submission is checked again as if it were a new click.
 */
export function drillChangeView(change: DrillChange, drill: Drill, channel: string, zone: string): Record<string, unknown> {
  const skip = change === 'skip';
  const intro = skip
    ? `Skip the drill of *${escapeMrkdwn(drill.database)}* planned for ${dualClock(drill.startsAt, zone)}? It will not run; the next scheduled drill is unaffected.`
    : `Postpone the drill of *${escapeMrkdwn(drill.database)}* planned for ${dualClock(drill.startsAt, zone)}.`;
  const blocks: unknown[] = [section(intro)];
  if (!skip) {
    blocks.push({
      type: 'input',
      block_id: DRILL_BLOCK.postponeBy,
      label: plain('Postpone by', 2000),
      hint: plain(`A duration from ${formatDuration(MIN_POSTPONE_MS)} to ${formatDuration(MAX_POSTPONE_MS)}, like 1h, 4h or 2d.`, 2000),
      element: { type: 'plain_text_input', action_id: DRILL_ACTION.postponeBy, initial_value: '1h', max_length: 20 },
    });
  }
  blocks.push({
    type: 'input',
    block_id: DRILL_BLOCK.reason,
    label: plain('Reason (kept in the audit trail)', 2000),
    element: { type: 'plain_text_input', action_id: DRILL_ACTION.reasonInput, multiline: true, max_length: MAX_REASON_LENGTH, placeholder: plain(skip ? 'e.g. release freeze this week' : 'e.g. the on-call DBA is in a meeting', 150) },
  });
  return {
    type: 'modal',
    callback_id: skip ? DRILL_CALLBACK.skip : DRILL_CALLBACK.postpone,
    private_metadata: encodeDrillModalMetadata({ drillId: drill.id, channel }),
    title: plain(skip ? 'Skip drill' : 'Postpone drill', 24),
    submit: plain(skip ? 'Skip drill' : 'Postpone', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

type ViewState = { state?: { values?: Record<string, Record<string, { value?: unknown }>> } };

export function submittedReason(view: ViewState): string {
  const v = view.state?.values?.[DRILL_BLOCK.reason]?.[DRILL_ACTION.reasonInput]?.value;
  return typeof v === 'string' ? v : '';
}

/** The typed postponement in ms, or NaN when it is not a duration. */
export function submittedPostponeMs(view: ViewState): number {
  const v = view.state?.values?.[DRILL_BLOCK.postponeBy]?.[DRILL_ACTION.postponeBy]?.value;
  return (typeof v === 'string' ? parseDuration(v.trim().toLowerCase()) : undefined) ?? Number.NaN;
}
