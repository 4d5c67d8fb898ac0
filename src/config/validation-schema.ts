import { z } from 'zod';
import { durationSchema } from './duration';
import { text } from './text';

/**
 * Runbook checks run against the restored copy before anyone is asked to cut over. A check
 * either compares the query's single number with a value, or (for a timestamp query such as
 * `select max(created_at) from orders`) requires the result to be at most `maxAgeBeforeTarget`
 * older than the restore target — which shows the restore reached the point it claims.
 */

export const COMPARISON_OPERATORS = ['>=', '<=', '=', '>', '<', '!='] as const;

export const comparisonExpectSchema = z
  .strictObject({
    op: z.enum(COMPARISON_OPERATORS).describe('the comparison, one of >=, <=, =, >, < or !='),
    value: z.number().describe('number the query result is compared with'),
  })
  .describe('compare the query\'s single numeric result with a value');

export const freshnessExpectSchema = z
  .strictObject({
    maxAgeBeforeTarget: durationSchema('5m').describe('how far the query\'s timestamp may lie before the restore target, e.g. "5m"'),
  })
  .describe('the query\'s single timestamp must be at most this long before the restore target');

export const validationCheckSchema = z
  .strictObject({
    name: text().describe('short name shown in the live message and reports (e.g. "orders-not-empty")'),
    sql: text().describe('SQL run on the restored copy; it must return one row with one column'),
    expect: z
      .union([comparisonExpectSchema, freshnessExpectSchema])
      .describe('either { op: ">", value: 0 } or { maxAgeBeforeTarget: "5m" }'),
  })
  .describe('a runbook check on the restored copy');

export type ValidationCheckConfig = z.output<typeof validationCheckSchema>;
export type ValidationExpect = ValidationCheckConfig['expect'];
