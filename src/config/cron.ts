import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { showValue } from './show-value';

const FIELDS = 'minute hour day-of-month month day-of-week';

/**
 * Why `expression` is not a usable 5-field cron expression, or undefined when it is.
 * cron-parser also accepts a leading seconds field and 4 fields; rewind.yml allows exactly five
 * so a schedule means the same thing to every reader.
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5) {
    return `expected a 5-field cron expression like "0 3 * * 1" (${FIELDS}), got ${showValue(expression)} (${fields.length} field${fields.length === 1 ? '' : 's'})`;
  }
  try {
    CronExpressionParser.parse(fields.join(' '));
    return undefined;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return `invalid cron expression ${showValue(expression)}: ${reason}; write 5 fields (${FIELDS}) like "0 3 * * 1"`;
  }
}

/** A zod schema for a 5-field cron expression; its output is the expression with single spaces. */
export function cronSchema() {
  return z
    .string({ error: (issue) => (issue.input === undefined ? undefined : `expected a 5-field cron expression like "0 3 * * 1", got ${showValue(issue.input)}`) })
    .transform((text, ctx) => {
      const problem = cronProblem(text);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', input: text, message: problem });
        return z.NEVER;
      }
      return text.trim().split(/\s+/).join(' ');
    });
}
