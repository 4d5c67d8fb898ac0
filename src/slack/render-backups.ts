import { formatDuration } from '../config/duration';
import type { SourceDescription } from '../providers/ports';
import { context, header, section, type SlackMessage } from './blocks';
import { humanDuration, utcDateTime } from './format';
import { BLOCK } from './ids';
import { escapeClip } from './mrkdwn';

/**
 * `/dr backups <db>`: the restorable window (and how far its newest point is behind now, against
 * the RPO), then the backups newest first with what restoring one on its own would lose. A backup that failed
 * verification is marked and never offered as the one to use.
 */

const MAX_LISTED = 20;

export function renderBackups(database: string, desc: SourceDescription, rpoMs: number, now: Date): SlackMessage {
  const lag = now.getTime() - desc.window.latest.getTime();
  const lagText = lag <= rpoMs ? `✅ ${humanDuration(Math.max(0, lag))} behind now, within the ${formatDuration(rpoMs)} RPO` : `⚠️ ${humanDuration(lag)} behind now, more than the ${formatDuration(rpoMs)} RPO`;
  const window = `*Restorable window:* ${utcDateTime(desc.window.earliest)} to ${utcDateTime(desc.window.latest)}\nNewest restorable point: ${lagText}.`;
  const backups = [...desc.backups].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const lines = backups.slice(0, MAX_LISTED).map((b) => {
    const age = now.getTime() - b.finishedAt.getTime();
    // A backup's age matters only when it is restored on its own; a PITR replays the WAL after it.
    const verdict = b.valid
      ? age <= rpoMs
        ? 'restored on its own, within the RPO'
        : `restored on its own, it would lose the last ${humanDuration(age)} (RPO ${formatDuration(rpoMs)}); \`latest\` or a time loses less`
      : `❌ failed verification${b.note ? `: ${escapeClip(b.note, 200)}` : ''}; not usable`;
    return `• \`${escapeClip(b.id, 120)}\` · ${utcDateTime(b.finishedAt)} · ${humanDuration(age)} old · ${verdict}`;
  });
  if (backups.length > MAX_LISTED) lines.push(`…and ${backups.length - MAX_LISTED} older`);
  const list = lines.length > 0 ? `*Backups* (newest first):\n${lines.join('\n')}` : '*Backups:* none. Restores to a point in time still work inside the window above.';
  return {
    text: `Backups of ${database}: ${backups.length}, restorable ${utcDateTime(desc.window.earliest)} to ${utcDateTime(desc.window.latest)}`,
    blocks: [
      header(`Backups of ${database}`, BLOCK.header),
      section(window, BLOCK.preflightTarget),
      section(list, BLOCK.help),
      context([`Restore one with \`/dr restore ${database} &lt;backup-id&gt;\`, the newest point with \`/dr restore ${database} latest\`, or any time in the window with \`/dr pitr ${database} &lt;time&gt;\`.`], BLOCK.context),
    ],
  };
}
