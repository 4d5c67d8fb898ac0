import { isActive, type Run } from '../recovery/run';
import { context, header, section, type SlackMessage } from './blocks';
import { humanDuration } from './format';
import { BLOCK } from './ids';
import { escapeClip, mention, truncate } from './mrkdwn';
import { render, type RenderContext } from './render-run';
import { headerText, statusPhrase } from './run-labels';

/**
 * `/dr status`: a list of runs (active first), or one run as its live message shows it. The
 * copy shown to one person carries no buttons: approvals happen on the run's live message,
 * where everyone in the channel sees them.
 */

const MAX_LISTED = 15;

export function renderRunList(title: string, runs: readonly Run[], now: Date): SlackMessage {
  const sorted = [...runs].sort((a, b) => Number(isActive(b.status)) - Number(isActive(a.status)) || b.createdAt.getTime() - a.createdAt.getTime());
  const lines = sorted.slice(0, MAX_LISTED).map((run) => {
    const where = run.channel ? ` in <#${run.channel}>` : '';
    return `${isActive(run.status) ? '🔄' : run.status === 'succeeded' ? '✅' : run.status === 'failed' ? '❌' : '⏹️'} \`${escapeClip(run.id, 64)}\` · *${escapeClip(headerText(run), 150)}* · ${statusPhrase(run)} · by ${mention(run.requestedBy)}${where}, ${humanDuration(now.getTime() - run.createdAt.getTime())} ago`;
  });
  if (sorted.length > MAX_LISTED) lines.push(`…and ${sorted.length - MAX_LISTED} more`);
  const body = lines.length > 0 ? lines.join('\n') : 'No runs yet. `/dr help` shows how to start one.';
  return {
    text: truncate(`${title}: ${sorted.length} run${sorted.length === 1 ? '' : 's'}`, 300),
    blocks: [header(title, BLOCK.header), section(body, BLOCK.summary), context(['`/dr status &lt;run-id&gt;` shows one run in full.'], BLOCK.context)],
  };
}

export function renderRunStatus(run: Run, now: Date, ctx: RenderContext): SlackMessage {
  const live = render(run, now, ctx);
  const blocks = live.blocks.filter((b) => b.block_id !== BLOCK.gateActions);
  if (blocks.length < live.blocks.length) {
    blocks.push(context([`Approve or abort on the run's live message${run.channel ? ` in <#${run.channel}>` : ''}, where everyone sees it.`], BLOCK.approvals));
  }
  return { text: live.text, blocks };
}
