import type { Drill } from '../drills/drill';
import type { DrillNotice } from '../drills/drill-ports';
import type { SlackMessage } from './blocks';
import { section } from './blocks';
import { dualClock } from './format';
import { escapeClip, escapeMrkdwn } from './mrkdwn';

/**
 * What Rewind says about a drill besides the announcement and the scorecard: why it did not
 * start, when it will, and the one alarm, a sandbox that could not be removed. Pure.
 */
export function renderDrillNotice(drill: Drill, notice: DrillNotice, zone: string): SlackMessage {
  const text = noticeText(drill, notice, zone);
  return { text, blocks: [section(text)] };
}

function noticeText(drill: Drill, n: DrillNotice, zone: string): string {
  const db = escapeMrkdwn(drill.database);
  switch (n.kind) {
    case 'postponed-incident':
      return `⏩ The drill of ${db} did not start: run \`${escapeClip(n.runId, 20)}\` is active on ${db}, and a drill never competes with a recovery. Postponed to ${dualClock(n.until, zone)}; it will be tried again then.`;
    case 'frozen':
      return `❄️ No drill of ${db} while the freeze window ${escapeMrkdwn(n.window.from)} – ${escapeMrkdwn(n.window.to)} lasts. ${n.next ? `The next drill is ${dualClock(n.next, zone)} (${n.next.toISOString().slice(0, 10)}).` : 'No drill is scheduled after it; check the schedule in rewind.yml.'}`;
    case 'superseded':
      return `🚫 This drill of ${db} never started and is replaced by the one scheduled for ${dualClock(n.by, zone)}.`;
    case 'cancelled':
      return `🚫 The drill of ${db} was not run: ${escapeClip(n.reason, 500)}.`;
    case 'start-failed':
      return `❌ The drill of ${db} could not start: ${escapeClip(n.problem, 800)} Fix that, then run \`/dr drill ${db}\` or wait for the next scheduled drill.`;
    case 'teardown-failed':
      return `🚨 *The sandbox of drill \`${escapeClip(drill.id, 20)}\` (run \`${escapeClip(n.runId, 20)}\`) could not be torn down* and is still running${n.resource ? `: \`${escapeClip(n.resource, 100)}\`` : ''}. ${escapeClip(n.problem, 800)} Delete it by hand (it is tagged rewind-run=${escapeClip(n.runId, 20)}), or retry with \`/dr abort ${escapeClip(n.runId, 20)}\`.`;
    case 'verification-skipped':
      return `⏭️ Tonight's backup verification of ${db} is skipped: ${escapeClip(n.reason, 500)}.`;
  }
}
