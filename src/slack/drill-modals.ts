import { formatDuration } from '../config/duration';
import type { Drill } from '../drills/drill';
import { MAX_REASON_LENGTH, POSTPONE_CHOICES_MS, type DrillChange } from '../drills/drill-decisions';
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
      element: {
        type: 'static_select',
        action_id: DRILL_ACTION.postponeBy,
        initial_option: option(POSTPONE_CHOICES_MS[0] ?? 3_600_000),
        options: POSTPONE_CHOICES_MS.map(option),
      },
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

function option(ms: number): Record<string, unknown> {
  return { text: plain(formatDuration(ms), 75), value: String(ms) };
}

type ViewState = { state?: { values?: Record<string, Record<string, { value?: unknown; selected_option?: { value?: unknown } | null }>> } };

export function submittedReason(view: ViewState): string {
  const v = view.state?.values?.[DRILL_BLOCK.reason]?.[DRILL_ACTION.reasonInput]?.value;
  return typeof v === 'string' ? v : '';
}

/** The chosen postponement in ms, or NaN when none (or something unexpected) was submitted. */
export function submittedPostponeMs(view: ViewState): number {
  const v = view.state?.values?.[DRILL_BLOCK.postponeBy]?.[DRILL_ACTION.postponeBy]?.selected_option?.value;
  return typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : Number.NaN;
}
