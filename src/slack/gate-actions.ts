import { needsTypedConfirmation, people } from '../recovery/approval-policy';
import { currentGate, isCutoverGate } from '../recovery/gates';
import type { Run } from '../recovery/run';
import { dataLossStatement, describeTarget } from '../recovery/target-time';
import { actions, button, confirmDialog, section, type Block } from './blocks';
import { ACTION, BLOCK, encodeGateValue } from './ids';
import { escapeClip, mention, oneLine } from './mrkdwn';
import { gateAction, targetLabel } from './run-labels';

/**
 * The prompt and the buttons for the gate a run waits at: approve (primary, confirmed) and abort
 * (danger, confirmed). Both carry {runId, gate, planHash}; the server re-checks all three.
 * A production cutover's approve button opens a typed confirmation instead of a confirm dialog.
 */

export interface GateContext {
  zone: string;
  incidentCommander?: string;
  /** The database is production: its cutover gate is approved by typing the database name. */
  production?: boolean;
  /** rewind.yml's approvers and two-person rule, to name who can approve when the requester cannot. */
  approvers?: readonly string[];
  twoPersonRule?: boolean;
}

const LIST_MAX = 8;

/** The prompt section and actions block, or [] when the run is not waiting at a gate. */
export function gateBlocks(run: Run, ctx: GateContext): Block[] {
  const gate = currentGate(run);
  if (gate === undefined) return [];
  const value = encodeGateValue({ runId: run.id, gate: gate.gate, planHash: run.planHash });
  const cutover = isCutoverGate(run, gate.step.idx);
  const typed = needsTypedConfirmation(run, { production: ctx.production ?? false });
  const who = whoCanApprove(run, ctx);
  let prompt: string;
  let confirmText: string;
  if (gate.gate === 'restore') {
    prompt = `⏸️ *Waiting for approval to restore* ${run.database} to ${escapeClip(describeTarget(run.target, ctx.zone), 200)} into a new instance. ${run.database} itself is not touched. ${who}`;
    confirmText = `Restore ${run.database} to ${targetLabel(run.target)} into a new instance. ${run.database} itself is not touched.`;
  } else if (cutover) {
    const changes = run.steps.slice(gate.step.idx + 1).filter((s) => s.kind === 'cutover');
    const list = changes.slice(0, LIST_MAX).map((s) => `• ${escapeClip(oneLine(s.name), 150)}`);
    if (changes.length > LIST_MAX) list.push(`…and ${changes.length - LIST_MAX} more`);
    const plan = list.length > 0 ? `Approving will:\n${list.join('\n')}` : 'No cutover actions are configured: approving only finishes the run.';
    const typing = typed ? `\n${run.database} is production: approving asks you to type its name.` : '';
    prompt = `⏸️ *Waiting for approval to cut over* to the restored copy of ${run.database}.\n${plan}\n${dataLossStatement(run.target)}${typing}\n${who}`;
    confirmText = `Point applications at the restored copy of ${run.database}. ${dataLossStatement(run.target)}`;
  } else {
    prompt = `⏸️ *Waiting for approval:* ${escapeClip(oneLine(gate.step.name), 200)}. ${who}`;
    confirmText = `Approve "${oneLine(gate.step.name)}" of run ${run.id} for ${run.database}.`;
  }
  const label = gateAction(gate.gate);
  const approve = typed
    ? button({ text: `${label}…`, actionId: ACTION.approveGate, value, style: 'primary' })
    : button({
        text: label,
        actionId: ACTION.approveGate,
        value,
        style: 'primary',
        confirm: confirmDialog({ title: `${label}?`, text: confirmText, confirm: label, style: 'primary' }),
      });
  const restored = run.steps.some((s) => s.kind === 'restore' && s.startedAt !== null);
  const abort = button({
    text: 'Abort',
    actionId: ACTION.abortRun,
    value,
    style: 'danger',
    confirm: confirmDialog({
      title: 'Abort this run?',
      text: `Stop run ${run.id} and undo what it created${restored ? ' (the restored instance is deleted)' : ''}. ${run.database} itself is not touched.`,
      confirm: 'Abort run',
      deny: 'Keep running',
      style: 'danger',
    }),
  });
  return [section(prompt, BLOCK.gatePrompt), actions([approve, abort], BLOCK.gateActions)];
}

/**
 * Who can approve, in words. Under the two-person rule the requester cannot approve their own
 * run, so when they are an approver or the incident commander the others are named — or, when
 * nobody else is left, what to do about it, rather than a gate nobody can pass.
 */
function whoCanApprove(run: Run, ctx: GateContext): string {
  const general = `An approver of ${run.database}${ctx.incidentCommander ? ` or the incident commander ${mention(ctx.incidentCommander)}` : ''} can approve.`;
  const requester = run.requestedBy;
  const deciders = new Set([...(ctx.approvers ?? []), ...(ctx.incidentCommander ? [ctx.incidentCommander] : [])]);
  if (!ctx.twoPersonRule || !deciders.has(requester)) return general;
  const others = [...deciders].filter((u) => u !== requester);
  if (others.length === 0) {
    return `Nobody else can approve: ${run.database} follows the two-person rule and ${mention(requester)} started this run. Name another incident commander with \`/dr ic @someone\`, or add an approver to rewind.yml; otherwise abort it.`;
  }
  return `${people(others)} can approve (not ${mention(requester)}, who started it: ${run.database} follows the two-person rule).`;
}
