import type { z } from 'zod';
import { closestMatch } from './closest';
import { formatPath } from './config-path';
import { typePhrase } from './error-map';
import { knownKeys, schemaAt } from './schema-walk';
import { showValue } from './show-value';

/**
 * Turns zod issues into one human sentence per problem, located by a path inside the input.
 * Missing fields quote the field's description; unknown keys suggest the closest known key;
 * unions explain the branch the user evidently meant rather than every alternative.
 */

export interface Problem {
  path: PropertyKey[];
  message: string;
}

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !(key in value)) return { found: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value };
}

/** How much a union branch's issues say "this is not the shape the user meant". */
function mismatch(branch: readonly Issue[]): number {
  const atRoot = branch.filter((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys'));
  return atRoot.length * 1000 + branch.length;
}

interface Context {
  root: z.core.$ZodType;
  data: unknown;
}

function describeMissing(ctx: Context, path: PropertyKey[], expected: string | undefined): string {
  const description = schemaAt(ctx.root, path, ctx.data)?.description;
  if (description !== undefined) return `missing required setting: ${description}`;
  return expected === undefined ? 'missing required setting' : `missing required setting; expected ${typePhrase(expected)}`;
}

/** Issues that, at a key absent from the file, mean "this key is required". */
const MISSING_WHEN_ABSENT = new Set(['invalid_type', 'invalid_value', 'invalid_format', 'too_small', 'too_big']);

function describeUnknownKeys(ctx: Context, path: PropertyKey[], keys: readonly string[]): Problem[] {
  const known = knownKeys(schemaAt(ctx.root, path, ctx.data));
  return keys.map((key) => {
    const suggestion = closestMatch(key, known);
    const advice =
      suggestion !== undefined
        ? `did you mean "${suggestion}"?`
        : known.length > 0
          ? `remove it or use one of: ${known.join(', ')}`
          : 'remove it';
    return { path: [...path, key], message: `unknown key "${key}"; ${advice}` };
  });
}

function describeIssue(ctx: Context, issue: Issue, prefix: PropertyKey[]): Problem[] {
  const path = [...prefix, ...issue.path];
  if (MISSING_WHEN_ABSENT.has(issue.code) && path.length > 0 && !valueAt(ctx.data, path).found) {
    return [{ path, message: describeMissing(ctx, path, issue.code === 'invalid_type' ? issue.expected : undefined) }];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return describeUnknownKeys(ctx, path, issue.keys);
    case 'invalid_key':
      return issue.issues.slice(0, 1).map((inner) => ({ path, message: inner.message }));
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        // zod reports a discriminated union without a matching branch at the discriminator's path.
        const { value } = valueAt(ctx.data, path);
        const options = ('options' in issue ? (issue.options ?? []) : []).map(String);
        const list = options.join(', ');
        if (value === undefined) return [{ path, message: `missing required setting; expected one of: ${list}` }];
        const suggestion = typeof value === 'string' ? closestMatch(value, options) : undefined;
        const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
        return [{ path, message: `unknown ${issue.discriminator} ${showValue(value)}${hint}; expected one of: ${list}` }];
      }
      const ranked = [...issue.errors].sort((a, b) => mismatch(a) - mismatch(b));
      const best = ranked[0];
      if (best === undefined || mismatch(best) >= 1000) {
        const description = schemaAt(ctx.root, path, ctx.data)?.description;
        const { value } = valueAt(ctx.data, path);
        return [{ path, message: `expected ${description ?? 'one of the documented shapes'}, got ${showValue(value)}` }];
      }
      return best.flatMap((inner) => describeIssue(ctx, inner, path));
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** One problem per issue (several for an issue naming several unknown keys), duplicates removed. */
export function describeIssues(issues: readonly Issue[], root: z.core.$ZodType, data: unknown): Problem[] {
  const ctx: Context = { root, data };
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const problem of issues.flatMap((issue) => describeIssue(ctx, issue, []))) {
    const key = `${formatPath(problem.path)}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}
