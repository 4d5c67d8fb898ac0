import type { Tag } from '@aws-sdk/client-rds';
import { RewindError } from '../../recovery/errors';

/**
 * Tags that mark what Rewind created. Ownership is decided by these tags alone: a resource
 * is adopted or deleted only when it carries `managed-by=rewind` and this run's `rewind-run`.
 */
export const MANAGED_BY_KEY = 'managed-by';
export const MANAGED_BY_VALUE = 'rewind';
export const RUN_KEY = 'rewind-run';

export type Ownership = 'this-run' | 'other-run' | 'not-rewind';

/** The run id the engine passed in the restore request's tags; required. */
export function runIdFromTags(tags: Record<string, string>): string {
  const runId = tags[RUN_KEY];
  if (runId === undefined || runId === '') {
    throw new RewindError({
      code: 'RESTORE_TAGS_MISSING',
      userMessage: `Internal error: the restore request has no '${RUN_KEY}' tag, so Rewind could not recognise the new database later. Nothing was created.`,
    });
  }
  return runId;
}

export function tagRecord(list: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/**
 * Source tags (minus AWS-reserved `aws:` keys and any Rewind marks the source may carry, such
 * as a retention tag that must not follow it into a copy) plus the request's tags plus
 * `managed-by=rewind`. Later entries win.
 */
export function restoreTags(sourceTags: readonly Tag[] | undefined, requestTags: Record<string, string>): Tag[] {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagRecord(sourceTags))) {
    if (k.startsWith('aws:') || k.startsWith('rewind-') || k === MANAGED_BY_KEY) continue;
    merged[k] = v;
  }
  Object.assign(merged, requestTags, { [MANAGED_BY_KEY]: MANAGED_BY_VALUE });
  return Object.entries(merged).map(([Key, Value]) => ({ Key, Value }));
}

export function ownership(list: readonly Tag[] | undefined, runId: string): Ownership {
  const tags = tagRecord(list);
  if (tags[MANAGED_BY_KEY] !== MANAGED_BY_VALUE) return 'not-rewind';
  return tags[RUN_KEY] === runId ? 'this-run' : 'other-run';
}

/** Explains why an existing resource with the wanted name cannot be adopted by this run. */
export function adoptionRefused(kind: string, name: string, list: readonly Tag[] | undefined, runId: string): RewindError {
  const other = tagRecord(list)[RUN_KEY];
  const whose =
    ownership(list, runId) === 'other-run'
      ? `it belongs to Rewind run ${other ?? '(unknown)'}, not to this run (${runId})`
      : `it was not created by Rewind (no ${MANAGED_BY_KEY}=${MANAGED_BY_VALUE} tag)`;
  return new RewindError({
    code: 'RESTORE_TARGET_TAKEN',
    userMessage: `A ${kind} named ${name} already exists and ${whose}. Rewind will not adopt or change it: remove or rename it, or run the restore under another name.`,
    detail: { name, runId },
  });
}

/** Explains why discard() refuses to delete a resource. */
export function discardRefused(kind: string, name: string, list: readonly Tag[] | undefined, runId: string): RewindError {
  const tags = tagRecord(list);
  const why =
    ownership(list, runId) === 'other-run'
      ? `it is tagged for Rewind run ${tags[RUN_KEY] ?? '(unknown)'}, not this run (${runId})`
      : `it lacks the ${MANAGED_BY_KEY}=${MANAGED_BY_VALUE} tag`;
  return new RewindError({
    code: 'DISCARD_REFUSED',
    userMessage: `Refusing to delete ${kind} ${name}: ${why}. Rewind only deletes what the run itself created; delete it by hand if it really must go.`,
    detail: { name, runId },
  });
}
