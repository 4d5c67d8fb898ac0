import type { z } from 'zod';
import { showValue } from './show-value';

/**
 * The parse-level zod error map for rewind.yml and the environment: plain sentences that say
 * what was expected and what was found. Schemas that need a sharper message (durations, Slack
 * IDs, time zones, cron) set their own, which takes precedence over this one.
 */

const TYPE_PHRASES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  nonoptional: 'a value',
};

/** "a list", "true or false", … for zod's `expected` names. */
export function typePhrase(expected: string): string {
  return TYPE_PHRASES[expected] ?? expected;
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${Number(count) === 1 ? '' : 's'}`;
}

export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const got = showValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typePhrase(issue.expected)}, got ${got}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${got}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'too_small':
      if (issue.origin === 'array') return `list at least ${plural(issue.minimum, 'item')}`;
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${plural(issue.minimum, 'character')} long`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, got ${got}`;
    case 'too_big':
      if (issue.origin === 'array') return `list at most ${plural(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `must be at most ${plural(issue.maximum, 'character')} long`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'url' ? 'an http(s) URL like "https://example.com/path"' : `a value in ${issue.format} format`}, got ${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, got ${got}`;
    default:
      return undefined;
  }
};
