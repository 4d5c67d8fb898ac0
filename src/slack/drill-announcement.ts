import { formatDuration } from '../config/duration';
import type { Drill } from '../drills/drill';
import { actions, button, context, header, section, type Block, type SlackMessage } from './blocks';
import { DRILL_ACTION, DRILL_BLOCK, encodeDrillValue } from './drill-ids';
import { dualClock, humanDuration } from './format';
import { escapeClip, escapeMrkdwn, mention, truncate } from './mrkdwn';

/**
 * The drill's announcement: posted `announceBefore` ahead, with Skip and Postpone while the
 * drill has not started, then updated in place as it is skipped, postponed, started and ends.
 * Pure: the clock and the database's objectives come in `ctx`.
 */

export interface AnnouncementContext {
  zone: string;
  now: Date;
  rtoMs: number;
  rpoMs: number;
  target: 'latest' | 'random';
}

const REASON_MAX = 300;

export function renderDrillAnnouncement(drill: Drill, ctx: AnnouncementContext): SlackMessage {
  const title = drill.kind === 'verification' ? `Backup verification: ${drill.database}` : `Restore drill: ${drill.database}`;
  const blocks: Block[] = [header(`🧪 ${title}`, DRILL_BLOCK.header), section(bodyText(drill, ctx), DRILL_BLOCK.body)];
  blocks.push(
    context([`Drill \`${escapeClip(drill.id, 20)}\` · operators and approvers of ${escapeMrkdwn(drill.database)}, and the channel's incident commander, can skip or postpone it (a reason is asked and audited)`], DRILL_BLOCK.context),
  );
  if (drill.status === 'announced') {
    const value = encodeDrillValue(drill.id);
    blocks.push(actions([button({ text: 'Skip…', actionId: DRILL_ACTION.skip, value, style: 'danger' }), button({ text: 'Postpone…', actionId: DRILL_ACTION.postpone, value })], DRILL_BLOCK.actions));
  }
  return { text: truncate(`${title}: ${statusWords(drill, ctx)}`, 300), blocks };
}

function bodyText(drill: Drill, ctx: AnnouncementContext): string {
  const db = escapeMrkdwn(drill.database);
  switch (drill.status) {
    case 'announced': {
      const lines = [`*Starts ${when(drill.startsAt, ctx)}.*`];
      const what = ctx.target === 'random' ? 'a random point in the restorable window' : 'the latest restorable point';
      lines.push(`Rewind restores ${what} of ${db} into a sandbox, validates it with the runbook's checks and a smoke test, measures RTO (objective ${formatDuration(ctx.rtoMs)}) and RPO (objective ${formatDuration(ctx.rpoMs)}), and tears the sandbox down. ${db} itself is not touched.`);
      if (drill.postponements > 0) lines.push(`⏩ Postponed${by(drill)}: ${escapeClip(drill.note ?? '', REASON_MAX)}`);
      return lines.join('\n');
    }
    case 'running':
      return `▶️ *Running* as run \`${escapeClip(drill.runId ?? '', 20)}\`; its live message follows in this channel. To stop it: \`/dr abort ${escapeClip(drill.runId ?? '', 20)}\` (the sandbox is torn down either way).`;
    case 'succeeded':
    case 'failed':
    case 'aborted': {
      const icon = drill.status === 'succeeded' ? '✅' : drill.status === 'failed' ? '❌' : '⏹️';
      return `${icon} *Finished: ${drill.status}.* The scorecard is below; the full report: \`/dr drills report ${escapeClip(drill.id, 20)}\`.`;
    }
    case 'skipped':
      return `⏭️ *Skipped*${by(drill)}: ${escapeClip(drill.note ?? '', REASON_MAX)}`;
    case 'cancelled':
      return `🚫 *Not run*: ${escapeClip(drill.note ?? 'cancelled', REASON_MAX)}.`;
  }
}

function statusWords(drill: Drill, ctx: AnnouncementContext): string {
  if (drill.status === 'announced') return `starts ${when(drill.startsAt, ctx)}`;
  return drill.status === 'running' ? `running as ${drill.runId ?? 'a run'}` : drill.status;
}

/** "at 03:00 UTC (05:00 CEST), in 30m" or "now". */
function when(at: Date, ctx: AnnouncementContext): string {
  const ahead = at.getTime() - ctx.now.getTime();
  return ahead > 1000 ? `at ${dualClock(at, ctx.zone)}, in ${humanDuration(ahead)}` : `now (${dualClock(at, ctx.zone)})`;
}

function by(drill: Drill): string {
  if (!drill.decidedBy) return '';
  return drill.decidedBy === 'rewind' ? ' by Rewind' : ` by ${mention(drill.decidedBy)}`;
}
