import type { Approval, Run, Step } from '../recovery/run';
import { humanDuration } from './format';
import { escapeClip, mention, oneLine } from './mrkdwn';

/**
 * The step checklist: one mrkdwn line per step, all in one section. When the lines do not fit
 * the budget, a window around the step that matters (the failed one, else the current one) is
 * kept and the rest collapse into "…N earlier steps" and "…and N more".
 */

const NAME_MAX = 100;
const DETAIL_MAX = 150;
const SUMMARY_RESERVE = 120;

export function stepEmoji(step: Step): string {
  switch (step.status) {
    case 'succeeded':
      return '✅';
    case 'failed':
      return '❌';
    case 'skipped':
      return '⏭️';
    case 'pending':
      return '▫️';
    case 'running':
    case 'waiting':
      return step.kind === 'gate' ? '⏸️' : '⏳';
  }
}

/** How long the step took, or has taken so far; empty before it started. */
export function stepDuration(step: Step, now: Date): string {
  if (step.startedAt === null) return '';
  const end = step.finishedAt ?? (step.status === 'running' || step.status === 'waiting' ? now : undefined);
  if (end === undefined) return '';
  return humanDuration(end.getTime() - step.startedAt.getTime());
}

/** One checklist line; `approvals` name who approved a gate step. Skipped steps show no stale detail. */
export function stepLine(step: Step, now: Date, approvals: readonly Approval[] = []): string {
  const parts = [`${stepEmoji(step)} ${step.idx + 1}. *${escapeClip(oneLine(step.name), NAME_MAX)}*`];
  if (step.status === 'skipped') return parts[0] + (step.compensatedAt !== null ? ' · ↩️ undone' : '');
  const duration = stepDuration(step, now);
  if (duration !== '') parts.push(step.status === 'waiting' && step.kind === 'gate' ? `waiting ${duration}` : duration);
  let line = parts.join(' · ');
  if (step.status === 'failed' && step.error) line += ` — failed: ${escapeClip(oneLine(step.error.message), DETAIL_MAX)}`;
  else if (step.error && (step.status === 'waiting' || step.status === 'running')) line += ` — retrying after: ${escapeClip(oneLine(step.error.message), DETAIL_MAX)}`;
  else if (step.kind === 'gate' && step.status === 'succeeded') line += approvedBy(step, approvals);
  else if (step.detail) line += ` — ${escapeClip(oneLine(step.detail), DETAIL_MAX)}`;
  if (step.compensatedAt !== null) line += ' · ↩️ undone';
  return line;
}

function approvedBy(step: Step, approvals: readonly Approval[]): string {
  const a = approvals.find((x) => x.stepIdx === step.idx && x.decision === 'approved');
  return a === undefined ? ' — approved' : ` — approved by ${mention(a.decidedBy)}`;
}

/** The step the reader needs to see: the failed one, else the current one. */
export function focusIndex(run: Pick<Run, 'steps' | 'currentStep'>): number {
  const failed = run.steps.find((s) => s.status === 'failed');
  if (failed) return failed.idx;
  return Math.min(Math.max(0, run.currentStep), Math.max(0, run.steps.length - 1));
}

/** The checklist text, at most `budget` characters (a section holds 3000). */
export function checklistText(run: Pick<Run, 'steps' | 'currentStep' | 'approvals'>, now: Date, budget: number): string {
  const lines = run.steps.map((s) => stepLine(s, now, run.approvals));
  if (lines.length === 0) return '_This run has no steps._';
  if (size(lines) <= budget) return lines.join('\n');
  const focus = focusIndex(run);
  let first = focus;
  let last = focus;
  let used = (lines[focus]?.length ?? 0) + 1 + SUMMARY_RESERVE * 2;
  // Grow the window one step at a time, favouring what comes next, while it fits.
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of [last + 1, first - 1]) {
      const line = lines[candidate];
      if (line === undefined || used + line.length + 1 > budget) continue;
      used += line.length + 1;
      if (candidate > last) last = candidate;
      else first = candidate;
      grew = true;
    }
  }
  const shown = lines.slice(first, last + 1);
  if (first > 0) shown.unshift(`…${first} earlier step${first === 1 ? '' : 's'}: ${tally(run.steps.slice(0, first))}`);
  const after = lines.length - 1 - last;
  if (after > 0) shown.push(`…and ${after} more`);
  return shown.join('\n');
}

function tally(steps: readonly Step[]): string {
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(stepEmoji(s), (counts.get(stepEmoji(s)) ?? 0) + 1);
  return [...counts].map(([emoji, n]) => `${n} ${emoji}`).join(', ');
}

function size(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}
