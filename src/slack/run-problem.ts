import type { Run, Step } from '../recovery/run';
import { escapeClip, oneLine, truncate } from './mrkdwn';

/**
 * What went wrong in a failed run and what to do about it, in mrkdwn. A run that failed at a
 * step can be resumed from it; a run whose rollback failed cannot, and must be cleaned up by hand.
 */

/** The id of the instance this run restored into, when the restore step recorded one. */
export function restoredInstance(run: Pick<Run, 'steps'>): string | undefined {
  for (const step of run.steps) {
    if (step.kind !== 'restore') continue;
    const ref = (step.output?.ref ?? step.state.ref) as { id?: unknown } | undefined;
    if (ref && typeof ref.id === 'string') return ref.id;
  }
  return undefined;
}

export function failedStep(run: Pick<Run, 'steps'>): Step | undefined {
  return run.steps.find((s) => s.status === 'failed');
}

/** "What went wrong / what to do" for a failed run, at most `budget` characters; undefined otherwise. */
export function problemText(run: Run, budget: number): string | undefined {
  if (run.status !== 'failed') return undefined;
  const step = failedStep(run);
  const error = step?.error ?? run.error;
  const instance = restoredInstance(run);
  const kept = instance === undefined ? '' : ` The restored instance \`${escapeClip(instance, 100)}\` is kept so you can inspect it.`;
  let title: string;
  let todo: string;
  if (step !== undefined) {
    title = `❌ *Step ${step.idx + 1}, "${escapeClip(step.name, 100)}", failed* after ${step.attempt} attempt${step.attempt === 1 ? '' : 's'}${error ? ` (${escapeClip(error.code, 60)})` : ''}:`;
    todo = `*What to do:* fix the cause above, then \`/dr resume ${run.id}\` retries this step with the same plan.${kept}`;
  } else {
    title = `❌ *Run ${run.id} failed*${error ? ` (${escapeClip(error.code, 60)})` : ''}:`;
    todo = `*What to do:* this run cannot be resumed. Clean up by hand what the message above names, then start a new run if you still need one.${kept}`;
  }
  const room = Math.max(0, budget - title.length - todo.length - 8);
  const message = error ? escapeClip(oneLine(error.message), room) : 'No error message was recorded; the worker logs for this run have the details.';
  return truncate(`${title}\n> ${message}\n${todo}`, budget);
}
