import { z } from 'zod';
import { showValue } from './show-value';

/**
 * Durations as written in rewind.yml and in Slack: one or more `<integer><unit>` parts, largest
 * unit first, each unit at most once: `500ms`, `30s`, `15m`, `2h`, `7d`, `1h30m`, `1d12h`.
 * Parsed to milliseconds. `formatDuration` writes the same syntax back, so the two round-trip.
 */

const UNITS = [
  { unit: 'd', ms: 86_400_000 },
  { unit: 'h', ms: 3_600_000 },
  { unit: 'm', ms: 60_000 },
  { unit: 's', ms: 1_000 },
  { unit: 'ms', ms: 1 },
] as const;

const PART = /(\d+)(ms|d|h|m|s)/y;

/** Milliseconds for a duration like "1h30m", or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const source = text.trim();
  if (source === '') return undefined;
  let total = 0;
  let position = 0;
  let lastRank = -1;
  while (position < source.length) {
    PART.lastIndex = position;
    const match = PART.exec(source);
    if (match === null) return undefined;
    const [whole, digits = '', unit] = match;
    const rank = UNITS.findIndex((u) => u.unit === unit);
    // Units must appear largest first and at most once: "30m1h" and "1h1h" are typos, not sums.
    if (rank <= lastRank) return undefined;
    const entry = UNITS[rank];
    if (entry === undefined) return undefined;
    total += Number(digits) * entry.ms;
    lastRank = rank;
    position += whole.length;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest duration text for `ms` (rounded to whole milliseconds), e.g. 5_400_000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  let text = '';
  for (const { unit, ms: size } of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return ms < 0 ? `-${text}` : text;
}

/**
 * A zod schema for a positive duration written as text; its output is milliseconds.
 * `example` is shown in error messages so each field suggests a plausible value.
 */
export function durationSchema(example = '15m') {
  const expected = `a duration like "${example}" or "1h30m"`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? undefined : `expected ${expected}, got ${showValue(issue.input)}`) })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', input: text, message: `expected ${expected}, got ${showValue(text)}` });
        return z.NEVER;
      }
      if (ms <= 0) {
        ctx.addIssue({ code: 'custom', input: text, message: `expected a duration greater than zero like "${example}", got ${showValue(text)}` });
        return z.NEVER;
      }
      return ms;
    });
}
