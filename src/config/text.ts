import { z } from 'zod';
import { showValue } from './show-value';

/**
 * Small building blocks shared by the rewind.yml and environment schemas. Each states what it
 * expected and echoes what it got, so a failing field explains itself without zod's wording.
 */

/** An error function for zod checks: `expected <expected>, got <value>[; <hint>]`. Missing values are left to the formatter. */
export function expecting(expected: string, hint?: string) {
  return (issue: { input?: unknown }): string | undefined =>
    issue.input === undefined ? undefined : `expected ${expected}, got ${showValue(issue.input)}${hint === undefined ? '' : `; ${hint}`}`;
}

/** A required, non-empty, trimmed string; every plain text field of rewind.yml uses it. */
export function text() {
  return z.string({ error: expecting('text') }).trim().min(1, { error: 'must not be empty' });
}

/** A string matching `pattern`, described as `expected` in errors. */
export function patterned(pattern: RegExp, expected: string, hint?: string) {
  return z.string({ error: expecting(expected) }).regex(pattern, { error: expecting(expected, hint) });
}

/** An absolute http(s) URL. */
export function httpUrl() {
  return z.url({ protocol: /^https?$/, hostname: z.regexes.hostname, error: expecting('an http(s) URL like "https://example.com/path"') });
}

/** An AWS region name such as "eu-central-1". */
export function awsRegion() {
  return patterned(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region like "eu-central-1"');
}

/** Refuses two list entries with the same `name`: names identify checks in reports and the live message. */
export function uniqueNames(kind: string) {
  return (items: readonly { name: string }[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.name)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], input: item.name, message: `${kind} name ${showValue(item.name)} is used twice; give each ${kind} a unique name` });
      }
      seen.add(item.name);
    });
  };
}
