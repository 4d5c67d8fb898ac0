import { formatDuration } from '../config/duration';
import { cutoverRollbackOf } from '../recovery/cutover-rollback';
import { currentGate, isCutoverGate } from '../recovery/gates';
import { rtoProgress } from '../recovery/objectives';
import type { Run, Step } from '../recovery/run';
import { describeTarget } from '../recovery/target-time';
import { humanDuration, utcClock } from './format';
import { escapeClip, mention, oneLine, truncate } from './mrkdwn';
import { pathLabel } from './run-labels';
import { problemText, restoredInstance } from './run-problem';

/**
 * Short mrkdwn replies for the run's timeline thread: one per event worth a notification
 * (restore started, instance available, validation results, cutover plan, approvals, errors
 * with what to do next, the end). Polls and ticks return undefined: the live message shows those.
 */

/** An engine event ("step.done", "gate.approved", …) as RunObserver reports it, optionally naming the step. */
export type ThreadEvent = string | { type: string; stepIdx?: number };

export interface ThreadContext {
  zone?: string;
  rtoMs?: number;
}

const MAX_TEXT = 3000;
const LIST_MAX = 10;

export function renderThreadEvent(run: Run, event: ThreadEvent, ctx: ThreadContext = {}): string | undefined {
  const type = typeof event === 'string' ? event : event.type;
  const given = typeof event === 'string' || event.stepIdx === undefined ? undefined : run.steps[event.stepIdx];
  const text = textFor(run, type, given, ctx);
  return text === undefined ? undefined : truncate(text, MAX_TEXT);
}

function textFor(run: Run, type: string, given: Step | undefined, ctx: ThreadContext): string | undefined {
  switch (type) {
    case 'step.done': {
      const step = given ?? lastFinished(run);
      if (step === undefined) return undefined;
      const done = stepDone(run, step, ctx);
      const end = run.status === 'succeeded' ? finished(run, ctx) : undefined;
      return [done, end].filter((t) => t !== undefined).join('\n') || undefined;
    }
    case 'step.gate':
      return gateReached(run, ctx);
    case 'gate.approved': {
      const a = run.approvals[run.approvals.length - 1];
      if (a === undefined) return undefined;
      return `👍 ${escapeClip(capitalise(a.gate), 40)} ${a.decision} by ${mention(a.decidedBy)} at ${utcClock(a.decidedAt)}.`;
    }
    case 'step.retry': {
      const step = given ?? run.steps[run.currentStep];
      if (step?.error == null) return undefined;
      return `⚠️ ${quote(step)} hit an error and will retry (attempt ${step.attempt + 1}): ${escapeClip(oneLine(step.error.message), 500)}`;
    }
    case 'step.fail':
    case 'run.failed':
      return problemText(run, 1500);
    case 'run.aborted':
      if (run.status === 'rolling_back') return `⏹️ Aborted${run.endedBy ? ` by ${mention(run.endedBy)}` : ''}; undoing what the run created. ${run.database} itself is not touched.`;
      return run.status === 'aborted' ? `⏹️ Run ${run.id} is aborted; what it created was removed.` : undefined;
    case 'run.cutover_rollback_started': {
      const by = cutoverRollbackOf(run)?.requestedBy ?? run.endedBy;
      return `↩️ Rolling back the cutover of ${run.database}${by ? ` (asked by ${mention(by)})` : ''}: applications are pointed back at the database the cutover replaced, then their health is checked again.`;
    }
    case 'run.cutover_rolled_back':
      return `↩️ Cutover rolled back: applications use the database the cutover replaced again. The restored copy is kept under retention.`;
    case 'run.resumed': {
      const step = run.steps[run.currentStep];
      return `▶️ Resumed${step ? ` from step ${step.idx + 1}, ${quote(step)}` : ''}.`;
    }
    default:
      return undefined;
  }
}

function stepDone(run: Run, step: Step, ctx: ThreadContext): string | undefined {
  const detail = step.detail ? escapeClip(oneLine(step.detail), 300) : '';
  const instance = restoredInstance(run);
  switch (step.kind) {
    case 'gate':
      return undefined;
    case 'restore':
      return `🛠️ Restore started: ${run.database} to ${escapeClip(describeTarget(run.target, ctx.zone ?? 'UTC'), 200)} into the new instance \`${escapeClip(instance ?? 'unknown', 100)}\`. ${run.database} itself is not touched; the live message tracks the restore.`;
    case 'wait-available':
      return `🟢 The restored instance${instance ? ` \`${escapeClip(instance, 100)}\`` : ''} is available${detail ? `: ${detail}` : '.'}`;
    case 'validate':
      return validation(run, step);
    case 'cutover':
      return `🔀 ${quote(step)} done${detail ? `: ${detail}` : '.'}`;
    case 'teardown':
      return `🧹 Sandbox removed${detail ? `: ${detail}` : '.'}`;
    default:
      return `✅ ${quote(step)} done${detail ? `: ${detail}` : '.'}`;
  }
}

function validation(run: Run, step: Step): string {
  const raw = step.output?.checks;
  const checks = Array.isArray(raw) ? raw.filter(isCheck) : [];
  if (checks.length === 0) {
    return `⚠️ Validation: no checks are configured for ${run.database}, so the restored copy was not verified. Add validation checks to rewind.yml, or check it by hand before approving the cutover.`;
  }
  const lines = checks.slice(0, LIST_MAX).map((c) => `• ${c.passed ? '✅' : '❌'} ${escapeClip(c.name, 80)} = ${escapeClip(c.value, 80)} (expected ${escapeClip(c.expected, 80)})`);
  if (checks.length > LIST_MAX) lines.push(`…and ${checks.length - LIST_MAX} more`);
  return `✅ Validation passed (${checks.length} check${checks.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

function gateReached(run: Run, ctx: ThreadContext): string | undefined {
  const gate = currentGate(run);
  if (gate === undefined) return undefined;
  if (gate.gate === 'restore') {
    return `⏸️ Waiting for approval to restore ${run.database} to ${escapeClip(describeTarget(run.target, ctx.zone ?? 'UTC'), 200)}. Approve or abort in the message above.`;
  }
  if (isCutoverGate(run, gate.step.idx)) {
    const changes = run.steps.slice(gate.step.idx + 1).filter((s) => s.kind === 'cutover');
    const plan = changes.slice(0, LIST_MAX).map((s) => `• ${escapeClip(oneLine(s.name), 150)}`);
    if (changes.length > LIST_MAX) plan.push(`…and ${changes.length - LIST_MAX} more`);
    const body = plan.length > 0 ? `Cutover plan:\n${plan.join('\n')}` : 'No cutover actions are configured: approving only finishes the run.';
    return `⏸️ Ready to cut over to the restored copy of ${run.database}. ${body}\nApprove or abort in the message above.`;
  }
  return `⏸️ Waiting for approval: ${quote(gate.step)}. Approve or abort in the message above.`;
}

function finished(run: Run, ctx: ThreadContext): string {
  const end = run.finishedAt ?? run.updatedAt;
  const elapsed = end.getTime() - run.createdAt.getTime();
  if (ctx.rtoMs === undefined) return `🎉 ${pathLabel(run.path)} of ${run.database} finished in ${humanDuration(elapsed)}.`;
  const p = rtoProgress({ createdAt: run.createdAt, finishedAt: end }, end, ctx.rtoMs);
  const verdict = p.breached ? `${humanDuration(p.elapsedMs - ctx.rtoMs)} over` : 'within';
  return `🎉 ${pathLabel(run.path)} of ${run.database} finished in ${humanDuration(p.elapsedMs)}, ${verdict} the ${formatDuration(ctx.rtoMs)} RTO.`;
}

/** The step finished most recently (the one a "step.done" without a step index refers to). */
function lastFinished(run: Run): Step | undefined {
  let best: Step | undefined;
  for (const s of run.steps) {
    if (s.status !== 'succeeded' || s.finishedAt === null) continue;
    if (best?.finishedAt == null || s.finishedAt.getTime() >= best.finishedAt.getTime()) best = s;
  }
  return best;
}

function isCheck(v: unknown): v is { name: string; passed: boolean; value: string; expected: string } {
  if (v === null || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.name === 'string' && typeof c.passed === 'boolean' && typeof c.value === 'string' && typeof c.expected === 'string';
}

function quote(step: Step): string {
  return `"${escapeClip(oneLine(step.name), 100)}"`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
