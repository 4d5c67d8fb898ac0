import type { Tag } from '@aws-sdk/client-rds';
import type { RetainedResource } from '../ports';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE, tagRecord } from './rds-tags';

/**
 * The tags that keep a database for a while after a recovery and later let Rewind offer its
 * deletion. A resource counts as retained only with the first three, written by Rewind; a
 * `restored` one must also carry `managed-by=rewind` (Rewind created it).
 */
export const RETAIN_UNTIL_KEY = 'rewind-retain-until';
export const RETAINED_BY_KEY = 'rewind-retained-by';
export const RETAINED_ROLE_KEY = 'rewind-retained-role';
/**
 * The rewind.yml database it is kept for. A replaced database is recognised by it once rewind.yml
 * names the restored one as the source (as SOURCE_REPLACED advises), so it is still offered.
 */
export const RETAINED_FOR_KEY = 'rewind-retained-for';
export const RETENTION_TAG_KEYS = [RETAIN_UNTIL_KEY, RETAINED_BY_KEY, RETAINED_ROLE_KEY, RETAINED_FOR_KEY] as const;

export function retentionTags(until: Date, runId: string, role: RetainedResource['role'], database: string): Tag[] {
  return [
    { Key: RETAIN_UNTIL_KEY, Value: until.toISOString() },
    { Key: RETAINED_BY_KEY, Value: runId },
    { Key: RETAINED_ROLE_KEY, Value: role },
    { Key: RETAINED_FOR_KEY, Value: database },
  ];
}

/** What the tags say, or undefined when they do not make a complete, Rewind-written retention. */
export function retentionOf(list: readonly Tag[] | undefined): Omit<RetainedResource, 'provider' | 'id' | 'deletionProtection'> | undefined {
  const tags = tagRecord(list);
  const until = Date.parse(tags[RETAIN_UNTIL_KEY] ?? '');
  const by = tags[RETAINED_BY_KEY];
  const role = tags[RETAINED_ROLE_KEY];
  if (Number.isNaN(until) || !by || (role !== 'replaced' && role !== 'restored')) return undefined;
  if (role === 'restored' && tags[MANAGED_BY_KEY] !== MANAGED_BY_VALUE) return undefined;
  return { role, retainUntil: new Date(until), retainedBy: by };
}

/** A final snapshot name: letters, digits and single hyphens, at most 255 characters. */
export function finalSnapshotName(id: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return `${id}-rewind-final-${stamp}`.slice(0, 255);
}
