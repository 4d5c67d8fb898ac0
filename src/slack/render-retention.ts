import type { RetentionPrompt } from '../recovery/retention-prompt';
import { wallClock } from '../recovery/zoned-time';
import { actions, button, confirmDialog, context, header, section, type Block, type SlackMessage } from './blocks';
import { dualClock, humanDuration } from './format';
import { ACTION, BLOCK, encodeRetentionValue } from './ids';
import { escapeClip, escapeMrkdwn, mention } from './mrkdwn';

export interface RetentionRenderOptions {
  /** Time zone of the channel. */
  zone: string;
  /** How much longer "Keep" keeps it (the database's retention). */
  keepForMs: number;
  /** A production database's original is deleted by typing its identifier, not by one click. */
  production?: boolean;
}

/** "2024-05-04 10:02 UTC (12:02 CEST)". */
function when(d: Date, zone: string): string {
  return `${wallClock(d.getTime(), 'UTC').date} ${dualClock(d, zone)}`;
}

/**
 * The question about one kept database, and, once answered, what was decided. Pure: the same
 * prompt renders the same message, so the check and the click handlers can both re-render it.
 */
export function renderRetentionPrompt(p: RetentionPrompt, o: RetentionRenderOptions): SlackMessage {
  const id = escapeClip(p.resourceId, 100);
  const db = escapeMrkdwn(p.database);
  const run = escapeClip(p.retainedBy, 64);
  const what =
    p.role === 'replaced'
      ? `\`${id}\` is the database the cutover of run \`${run}\` moved *${db}* away from. Rewind kept it so you could go back, until ${when(p.retainUntil, o.zone)}.`
      : `\`${id}\` is the restored copy of *${db}* from run \`${run}\`, kept after its cutover was rolled back, until ${when(p.retainUntil, o.zone)}.`;
  const blocks: Block[] = [header(`🗄️ Delete ${p.resourceId}?`), section(what, BLOCK.retentionBody)];
  const status = statusLine(p, o.zone);
  if (status) blocks.push(context([status], BLOCK.retentionStatus));
  if (p.status === 'open') {
    blocks.push(
      section(
        `Its retention is over. Deleting it keeps a final snapshot first${p.role === 'replaced' ? ', and the cutover of that run can no longer be rolled back' : ''}. Rewind deletes nothing without a click here: approvers of ${db} decide (the channel's incident commander may also keep it longer)${o.production ? ` (${db} is production: deleting asks for the identifier to be typed)` : ''}.`,
      ),
      actions(
        [
          button({
            text: `Delete ${p.resourceId}…`,
            actionId: ACTION.deleteRetained,
            value: encodeRetentionValue({ promptId: p.id }),
            style: 'danger',
            // Production: the typed confirmation (a modal) is the confirmation.
            ...(o.production
              ? {}
              : {
                  confirm: confirmDialog({
                    title: 'Delete the kept database?',
                    text: `Delete ${p.resourceId} (${p.database}). A final snapshot is taken first; the instance itself cannot be brought back.`,
                    confirm: 'Delete',
                    deny: 'Keep it',
                    style: 'danger',
                  }),
                }),
          }),
          button({ text: `Keep ${humanDuration(o.keepForMs)} more`, actionId: ACTION.keepRetained, value: encodeRetentionValue({ promptId: p.id }) }),
        ],
        BLOCK.retentionActions,
      ),
    );
  }
  return { text: fallback(p), blocks };
}

function statusLine(p: RetentionPrompt, zone: string): string {
  const by = p.decidedBy ? mention(p.decidedBy) : 'someone';
  const at = p.decidedAt ? ` at ${when(p.decidedAt, zone)}` : '';
  switch (p.status) {
    case 'open':
      return p.outcome.error ? `⚠️ The last click did not go through: ${escapeClip(p.outcome.error, 600)}` : '';
    case 'deciding':
      return `⏳ ${by} decided${at}; Rewind is carrying it out…`;
    case 'deleted':
      return `✅ Deleted on ${by}'s decision${at}.${p.outcome.finalSnapshot ? ` Final snapshot: \`${escapeClip(p.outcome.finalSnapshot, 255)}\`.` : ''}`;
    case 'kept': {
      const until = p.outcome.keptUntil ? new Date(p.outcome.keptUntil) : undefined;
      return `📌 Kept on ${by}'s decision${at}${until && !Number.isNaN(until.getTime()) ? ` until ${when(until, zone)}; Rewind asks again then` : ''}.`;
    }
    case 'gone':
      return `ℹ️ Nothing to decide any more: ${escapeClip(p.outcome.note ?? 'Rewind no longer keeps it.', 600)}`;
  }
}

function fallback(p: RetentionPrompt): string {
  switch (p.status) {
    case 'open':
    case 'deciding':
      return `The retention of ${p.resourceId} (${p.database}) is over: delete it or keep it longer?`;
    case 'deleted':
      return `${p.resourceId} (${p.database}) was deleted.`;
    case 'kept':
      return `${p.resourceId} (${p.database}) is kept longer.`;
    case 'gone':
      return `${p.resourceId} (${p.database}) needs no decision any more.`;
  }
}
