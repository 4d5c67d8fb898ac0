import { formatDuration } from '../config/duration';
import type { CheckFigure, DrillReport, ObjectiveFigure } from '../drills/drill';
import { context, header, section, type Block, type SlackMessage } from './blocks';
import { DRILL_BLOCK } from './drill-ids';
import { humanDuration, utcDateTime } from './format';
import { escapeClip, escapeMrkdwn, mention, truncate } from './mrkdwn';

/**
 * The scorecard: what a drill proved, from its stored report. Every step with its duration, RTO
 * and RPO against their objectives, each check, and whether the sandbox is gone. Pure; the same
 * blocks answer `/dr drills report <id>`.
 */

const STEP_ICON: Record<string, string> = { succeeded: '✅', failed: '❌', skipped: '⏭️', pending: '▫️', running: '⏳', waiting: '⏳' };
const CHECKS_MAX = 15;

export function renderScorecard(r: DrillReport): SlackMessage {
  const what = r.kind === 'verification' ? 'Backup verification' : 'Drill scorecard';
  const verdict = r.result === 'succeeded' ? '✅ passed' : r.result === 'failed' ? '❌ failed' : '⏹️ aborted';
  const blocks: Block[] = [header(`${what}: ${r.database} ${verdict}`, DRILL_BLOCK.header)];
  blocks.push(section([objectiveLine('RTO', r.rto, 'from the start of the drill to a validated copy', r.result), rpoLine(r)].join('\n'), DRILL_BLOCK.objectives));
  if (r.problem) blocks.push(section(`*Why:* ${escapeClip(r.problem, 1500)}`, DRILL_BLOCK.problem));
  if (r.steps.length > 0) blocks.push(section(stepsText(r), DRILL_BLOCK.steps));
  const checks = checksText(r);
  if (checks) blocks.push(section(checks, DRILL_BLOCK.checks));
  blocks.push(section(teardownText(r), DRILL_BLOCK.teardown));
  const run = r.runId ? ` · run \`${escapeClip(r.runId, 20)}\`` : '';
  const ended = r.endedBy && r.result === 'aborted' ? ` · aborted by ${mention(r.endedBy)}` : '';
  blocks.push(
    context([`Drill \`${escapeClip(r.drillId, 20)}\`${run} · target ${escapeClip(r.target, 80)} · started ${utcDateTime(new Date(r.startedAt))}${ended} · \`/dr drills report ${escapeClip(r.drillId, 20)} json\` for auditors`], DRILL_BLOCK.context),
  );
  const rto = r.rto.ms === null ? 'RTO not measured' : `RTO ${humanDuration(r.rto.ms)} ${r.rto.met ? 'met' : 'missed'}`;
  const rpo = r.rpo.ms === null ? 'RPO not measured' : `RPO ${humanDuration(r.rpo.ms)} ${r.rpo.met ? 'met' : 'missed'}`;
  return { text: truncate(escapeMrkdwn(`${what}: ${r.database} ${r.result}; ${rto}; ${rpo}; sandbox ${r.teardown.status === 'done' ? 'torn down' : r.teardown.status}`), 300), blocks };
}

function objectiveLine(name: string, o: ObjectiveFigure, measured: string, result: DrillReport['result']): string {
  if (o.ms === null) return `➖ *${name}* not measured: the drill ${result === 'aborted' ? 'was aborted' : 'failed'} before the copy was validated (objective ${formatDuration(o.objectiveMs)})`;
  const verdict = o.met ? '✅ met' : `❌ missed by ${humanDuration(o.ms - o.objectiveMs)}`;
  return `${o.met ? '🟢' : '🔴'} *${name} ${humanDuration(o.ms)}* ${measured}; objective ${formatDuration(o.objectiveMs)} ${verdict}`;
}

function rpoLine(r: DrillReport): string {
  const newest = r.latestRestorable ? ` (newest restorable point ${utcDateTime(new Date(r.latestRestorable))})` : '';
  return objectiveLine('RPO', r.rpo, `behind the drill's start${newest}`, r.result);
}

function stepsText(r: DrillReport): string {
  const lines = r.steps.map((s) => {
    const took = s.durationMs === null ? '' : ` · ${humanDuration(s.durationMs)}`;
    return `${STEP_ICON[s.status] ?? '▫️'} ${s.idx + 1}. ${escapeClip(s.name, 100)}${took}`;
  });
  return truncate(`*Steps*\n${lines.join('\n')}`, 2900);
}

function checksText(r: DrillReport): string | undefined {
  const all: CheckFigure[] = [...r.checks, ...(r.smoke ? [r.smoke] : [])];
  if (all.length === 0) return undefined;
  const lines = all.slice(0, CHECKS_MAX).map((c) => `${c.passed ? '✅' : '❌'} ${escapeClip(c.name, 80)}: ${escapeClip(c.value, 120)} (expected ${escapeClip(c.expected, 80)})`);
  if (all.length > CHECKS_MAX) lines.push(`…and ${all.length - CHECKS_MAX} more in the report`);
  return truncate(`*Checks*\n${lines.join('\n')}`, 2900);
}

function teardownText(r: DrillReport): string {
  const name = r.teardown.resource ? `\`${escapeClip(r.teardown.resource, 100)}\`` : 'The sandbox';
  switch (r.teardown.status) {
    case 'done':
      return r.teardown.resource ? `🧹 Sandbox ${name} torn down.` : '🧹 No sandbox was created.';
    case 'failed':
      return `🚨 *Sandbox ${name} could not be torn down:* ${escapeClip(r.teardown.problem ?? 'unknown error', 800)} Delete it by hand${r.runId ? `, or retry with \`/dr abort ${escapeClip(r.runId, 20)}\`` : ''}.`;
    default:
      return `⏳ Sandbox ${name} is still being torn down.`;
  }
}

/** Sections of JSON per message, so each stays well inside Slack's total text limit. */
const JSON_SECTIONS_PER_MESSAGE = 3;
/** A response_url takes 5 replies; a report larger than that is cut, saying so. */
const JSON_MAX_MESSAGES = 5;

/** The report as JSON for auditors: code blocks of at most ~2,800 characters, three to a message. */
export function renderReportJson(r: DrillReport): SlackMessage[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of JSON.stringify(r, null, 2).split('\n')) {
    if (current.length + line.length + 1 > 2800 && current !== '') {
      chunks.push(current);
      current = '';
    }
    current += `${line}\n`;
  }
  if (current !== '') chunks.push(current);
  const messages: SlackMessage[] = [];
  for (let i = 0; i < chunks.length && messages.length < JSON_MAX_MESSAGES; i += JSON_SECTIONS_PER_MESSAGE) {
    const part = messages.length + 1;
    const blocks: Block[] = chunks.slice(i, i + JSON_SECTIONS_PER_MESSAGE).map((c) => section(`\`\`\`${escapeMrkdwn(c.trimEnd())}\`\`\``));
    messages.push({ text: `Drill report ${r.drillId} (JSON${chunks.length > JSON_SECTIONS_PER_MESSAGE ? `, part ${part}` : ''})`, blocks });
  }
  const shown = JSON_MAX_MESSAGES * JSON_SECTIONS_PER_MESSAGE;
  if (chunks.length > shown) {
    messages[messages.length - 1]?.blocks.push(context([`The report is longer than Slack can show here (${chunks.length - shown} more parts); the drill_reports table holds it in full.`]));
  }
  return messages;
}
