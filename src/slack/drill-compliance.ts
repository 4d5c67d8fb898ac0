import { formatDuration } from '../config/duration';
import type { ComplianceEntry } from '../drills/compliance';
import { context, header, section, type Block, type SlackMessage } from './blocks';
import { DRILL_BLOCK } from './drill-ids';
import { dualClock, humanDuration } from './format';
import { escapeClip, escapeMrkdwn, truncate } from './mrkdwn';

/**
 * `/dr drills` and the weekly reminder: each database's last drill and its result, the next
 * scheduled one, and whether it is overdue by its policy. Overdue databases come first. Pure.
 */

const PER_SECTION = 12;

export function renderCompliance(entries: readonly ComplianceEntry[], now: Date, zone: string): SlackMessage {
  const overdue = entries.filter((e) => e.overdue).length;
  const blocks: Block[] = [header('Drill compliance', DRILL_BLOCK.header)];
  if (entries.length === 0) blocks.push(section('No databases are configured.', DRILL_BLOCK.list));
  for (let i = 0; i < entries.length && blocks.length < 45; i += PER_SECTION) {
    blocks.push(section(truncate(entries.slice(i, i + PER_SECTION).map((e) => entryLine(e, now, zone)).join('\n'), 2900), i === 0 ? DRILL_BLOCK.list : undefined));
  }
  blocks.push(
    context([`${overdue === 0 ? 'No database is overdue.' : `${overdue} overdue.`} A scorecard: \`/dr drills report <drill-id>\` (add \`json\` for auditors). Start a drill now: \`/dr drill <database>\`.`], DRILL_BLOCK.context),
  );
  return { text: `Drill compliance: ${overdue === 0 ? 'nothing overdue' : `${overdue} database${overdue === 1 ? '' : 's'} overdue`}`, blocks };
}

export function renderOverdueReminder(entries: readonly ComplianceEntry[], now: Date, zone: string): SlackMessage {
  const names = entries.map((e) => e.database);
  const lines = entries.map((e) => entryLine(e, now, zone));
  const text = `⏰ *Drills overdue:* ${escapeClip(names.join(', '), 500)}. A recovery nobody has rehearsed lately is a guess.\n${lines.join('\n')}\nRun one now with \`/dr drill <database>\`, or check the schedule in rewind.yml.`;
  return { text: truncate(`Drills overdue: ${names.join(', ')}`, 300), blocks: [section(truncate(text, 2900), DRILL_BLOCK.list)] };
}

export function entryLine(e: ComplianceEntry, now: Date, zone: string): string {
  const db = `*${escapeMrkdwn(e.database)}*`;
  const icon = e.overdue ? '🔴' : e.scheduled || e.last ? '🟢' : '⚪';
  const parts: string[] = [];
  if (e.overdue) {
    const since = e.lastSuccessAt ? `last successful drill ${ago(now, e.lastSuccessAt)}` : 'no successful drill on record';
    parts.push(`*overdue*: ${since}, policy ${formatDuration(e.policyMs ?? 0)}`);
  }
  if (e.last) {
    const result = e.last.result === 'succeeded' ? 'succeeded' : e.last.result;
    const objectives = e.last.result === 'succeeded' ? ` (RTO ${met(e.last.rtoMet)}, RPO ${met(e.last.rpoMet)})` : '';
    parts.push(`last drill \`${escapeClip(e.last.drillId, 20)}\` ${result} ${ago(now, e.last.finishedAt)}${objectives}`);
  } else if (!e.overdue) {
    parts.push('no drill on record');
  }
  if (e.next) parts.push(`next ${dualClock(e.next, zone)} ${e.next.toISOString().slice(0, 10)}`);
  else if (!e.scheduled) parts.push('no drills scheduled');
  if (!e.overdue && e.dueAt) parts.push(`due by ${e.dueAt.toISOString().slice(0, 10)}`);
  return `${icon} ${db} — ${parts.join(' · ')}`;
}

/** "3h12m ago", or whole days from two days on ("95d ago"): policies are counted in days. */
function ago(now: Date, then: Date): string {
  const ms = Math.max(0, now.getTime() - then.getTime());
  return ms >= 2 * 86_400_000 ? `${Math.floor(ms / 86_400_000)}d ago` : `${humanDuration(ms)} ago`;
}

function met(v: boolean | null): string {
  return v === null ? 'not measured' : v ? 'met' : 'missed';
}
