import { closestMatch } from '../src/config/closest';
import { DATABASE_NAME, type DatabaseConfig, type RewindConfig } from '../src/config/schema';
import { escapeClip } from '../src/slack/mrkdwn';
import type { CommandSpec } from './types';

/**
 * Arguments as people type them at 3 a.m. Every refusal names what was wrong, quotes the input
 * (cleaned, clipped, escaped: it can neither ping nor break formatting) and shows a correct
 * example. Input never reaches SQL or a shell except as a bound parameter.
 */

/** A run ID as newRunId makes them ("r-k3m9qz"); a little longer is tolerated for the future. */
export const RUN_ID = /^r-[a-z0-9]{4,16}$/;

/** The input as shown back in a message: one line, no control characters or backticks, at most 60 characters. */
export function quoteInput(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  return `\`${escapeClip(clean, 60) || ' '}\``;
}

export function usageLine(spec: CommandSpec, database?: string): string {
  return `Usage: \`${escapeClip(spec.usage, 200)}\`, for example \`${escapeClip(spec.example(database), 200)}\`.`;
}

export type ArgResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function databaseArg(raw: string | undefined, config: RewindConfig, spec: CommandSpec): ArgResult<DatabaseConfig> {
  const names = Object.keys(config.databases).sort();
  if (raw === undefined || raw === '') return { ok: false, message: `Which database? ${usageLine(spec, names[0])}` };
  if (!DATABASE_NAME.test(raw)) {
    return {
      ok: false,
      message: `${quoteInput(raw)} is not a database name: names are lowercase letters, digits and dashes, like \`${names[0] ?? 'prod-db-01'}\`. ${usageLine(spec, names[0])} \`/dr help\` lists the databases you may use.`,
    };
  }
  const db = Object.prototype.hasOwnProperty.call(config.databases, raw) ? config.databases[raw] : undefined;
  if (!db) {
    const guess = closestMatch(raw, names);
    return { ok: false, message: `There is no database ${quoteInput(raw)} in rewind.yml${guess ? `; did you mean \`${guess}\`?` : '.'} \`/dr help\` lists the databases you may use.` };
  }
  return { ok: true, value: db };
}

export function runIdArg(raw: string | undefined, spec: CommandSpec): ArgResult<string> {
  if (raw === undefined || raw === '') return { ok: false, message: `Which run? ${usageLine(spec)} \`/dr status\` lists the recent runs and their IDs.` };
  if (!RUN_ID.test(raw)) return { ok: false, message: `${quoteInput(raw)} is not a run ID: run IDs look like \`r-k3m9qz\`. \`/dr status\` lists the recent runs and their IDs.` };
  return { ok: true, value: raw };
}

/** Refuses arguments nobody asked for, rather than silently ignoring what may have been meant. */
export function noExtraArgs(args: readonly string[], expected: number, spec: CommandSpec): string | undefined {
  if (args.length <= expected) return undefined;
  return `Too many arguments: ${quoteInput(args.slice(expected).join(' '))} is not expected here. ${usageLine(spec)}`;
}
