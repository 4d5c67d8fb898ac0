import { formatDuration } from '../config/duration';
import type { RestorableWindow } from '../providers/ports';
import { impliedRpoMs } from '../recovery/objectives';
import { checkTargetInWindow } from '../recovery/restore-window';
import type { Plan } from '../recovery/run';
import { dataLossStatement, describeTarget } from '../recovery/target-time';
import { context, header, section, type SlackMessage } from './blocks';
import { humanDuration } from './format';
import { BLOCK } from './ids';
import { escapeClip, escapeMrkdwn, oneLine, truncate } from './mrkdwn';
import { headerText } from './run-labels';

/**
 * The ephemeral pre-flight shown before a run starts: what will be restored from where, to
 * which instant (UTC and the channel's zone), whether that instant is restorable, what is lost,
 * the steps, and the objectives. Changes nothing; the run's gates do the asking.
 */

export interface PreflightInput {
  plan: Plan;
  /** The channel's IANA zone. */
  zone: string;
  /** How the source is described to people, e.g. "RDS instance prod-db-01 (postgres 16.2)". */
  source?: string;
  /** The restorable window as the source reports it now; omitted when it could not be read. */
  window?: RestorableWindow;
  rtoMs: number;
  rpoMs: number;
}

const PLAN_BUDGET = 2500;

export function renderPreflight(input: PreflightInput): SlackMessage {
  const { plan, zone } = input;
  const title = `Pre-flight: ${headerText({ path: plan.path, database: plan.database, target: plan.target })}`;
  const facts = [
    `*Source:* ${escapeClip(input.source ?? plan.database, 300)}`,
    `*Target:* ${escapeClip(describeTarget(plan.target, zone), 300)}`,
    `*Restorable window:* ${windowText(input)}`,
    `*${escapeMrkdwn(dataLossStatement(plan.target, plan.target.kind === 'latest' ? input.window?.latest : undefined))}*`,
  ];
  const gates = plan.steps.filter((s) => s.kind === 'gate').map((s) => s.gate ?? s.name);
  const note =
    gates.length > 0
      ? `Nothing has changed yet. The run asks for approval before: ${escapeClip(gates.join(', '), 300)}.`
      : 'Nothing has changed yet. This run has no approval gates: it starts as soon as it is created.';
  return {
    text: truncate(escapeMrkdwn(title), 300),
    blocks: [
      header(title, BLOCK.header),
      section(facts.join('\n'), BLOCK.preflightTarget),
      section(planText(plan), BLOCK.preflightPlan),
      section(objectivesText(input), BLOCK.preflightObjectives),
      context([note], BLOCK.context),
    ],
  };
}

function windowText(input: PreflightInput): string {
  const w = input.window;
  if (w === undefined) return 'unknown right now; the first step checks it again before anything is created.';
  const range = `${escapeMrkdwn(describeTarget({ kind: 'time', at: w.earliest }, input.zone))} to ${escapeMrkdwn(describeTarget({ kind: 'time', at: w.latest }, input.zone))}`;
  const problem = checkTargetInWindow(input.plan.target, w, []);
  if (input.plan.target.kind === 'time') {
    return problem ? `${range}\n❌ ${escapeClip(problem.message, 500)}` : `${range}\n✅ The target is inside it.`;
  }
  return range;
}

function planText(plan: Plan): string {
  const lines = plan.steps.map((s, i) => `${i + 1}. ${s.kind === 'gate' ? '⏸️ ' : ''}${escapeClip(oneLine(s.name), 150)}`);
  const shown: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > PLAN_BUDGET) break;
    shown.push(line);
    used += line.length + 1;
  }
  if (shown.length < lines.length) shown.push(`…and ${lines.length - shown.length} more`);
  return `*Plan* (${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}):\n${shown.join('\n')}`;
}

function objectivesText(input: PreflightInput): string {
  const parts = [`*RTO* ${formatDuration(input.rtoMs)} from the moment the run starts, approvals included`, `*RPO* ${formatDuration(input.rpoMs)}`];
  const discarded = input.window === undefined ? undefined : impliedRpoMs(input.plan.target, input.window.latest);
  if (discarded !== undefined && discarded > 0) {
    const beyond = discarded > input.rpoMs ? ', more than the RPO: right when going back to before damage, worth a second look otherwise' : '';
    parts.push(`this target discards ${humanDuration(discarded)} of writes before the newest restorable point${beyond}`);
  }
  return parts.join(' · ');
}
