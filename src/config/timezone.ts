import { z } from 'zod';
import { closestMatch } from './closest';
import { showValue } from './show-value';

let knownZones: string[] | undefined;

/** Canonical IANA zone names known to this Node.js build, plus "UTC". */
export function knownTimeZones(): readonly string[] {
  knownZones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return knownZones;
}

/**
 * True when `name` is an IANA time zone Intl can format in (aliases such as "Asia/Kolkata" or
 * "Etc/UTC" included). Numeric offsets are refused: they ignore daylight saving time.
 */
export function isValidTimeZone(name: string): boolean {
  if (name.trim() === '' || /^[+-]/.test(name) || /^\d/.test(name)) return false;
  if (knownTimeZones().includes(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why `name` is not a usable time zone, or undefined when it is. */
export function timeZoneProblem(name: string): string | undefined {
  if (isValidTimeZone(name)) return undefined;
  const suggestion = closestMatch(name, knownTimeZones());
  const hint = suggestion === undefined ? '' : `did you mean "${suggestion}"? `;
  return `unknown time zone ${showValue(name)}; ${hint}use an IANA name like "Europe/Berlin" or "UTC"`;
}

/** A zod schema for an IANA time zone name; the output is the name as written. */
export function timeZoneSchema() {
  return z
    .string({ error: (issue) => (issue.input === undefined ? undefined : `expected an IANA time zone like "Europe/Berlin" or "UTC", got ${showValue(issue.input)}`) })
    .superRefine((name, ctx) => {
      const problem = timeZoneProblem(name);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', input: name, message: problem });
    });
}
