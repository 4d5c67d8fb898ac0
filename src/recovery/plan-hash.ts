import { createHash } from 'node:crypto';
import type { Plan } from './run';

/** Canonical JSON (sorted keys) so the same plan always hashes the same, whatever built it. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Approvals bind to this: a button minted for another plan no longer matches. */
export function planHash(plan: Plan): string {
  return createHash('sha256').update(canonical(plan)).digest('hex').slice(0, 16);
}
