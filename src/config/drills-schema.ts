import { z } from 'zod';
import { cronSchema } from './cron';
import { durationSchema } from './duration';
import { showValue } from './show-value';
import { slackChannelIdSchema } from './slack-ids';
import { expecting } from './text';
import { timeZoneSchema } from './timezone';

/** Scheduled restore drills for one database. */

/** A calendar date "YYYY-MM-DD" that exists (2025-02-30 does not). */
function isoDate() {
  const expected = 'a date like "2024-12-20" (YYYY-MM-DD)';
  return z
    .string({ error: expecting(expected) })
    .refine(
      (value) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
        const date = new Date(`${value}T00:00:00Z`);
        return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
      },
      { error: expecting(expected) },
    );
}

export const freezeWindowSchema = z
  .strictObject({
    from: isoDate().describe('first day without drills, "YYYY-MM-DD", in the drill time zone'),
    to: isoDate().describe('last day without drills (inclusive), "YYYY-MM-DD"'),
  })
  .superRefine((window, ctx) => {
    if (window.from > window.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        input: window.to,
        message: `freeze window ends (${showValue(window.to)}) before it starts (${showValue(window.from)}); swap from and to`,
      });
    }
  })
  .describe('dates on which scheduled drills are skipped (e.g. a holiday change freeze)');

export const DRILL_TARGETS = ['latest', 'random'] as const;

export const drillsSchema = z
  .strictObject({
    schedule: cronSchema().describe('when drills start, a 5-field cron expression like "0 3 * * 1" (Mondays 03:00)'),
    timezone: timeZoneSchema()
      .optional()
      .describe('IANA time zone the schedule and freeze windows are read in; default: the top-level timezone'),
    channel: slackChannelIdSchema().describe('Slack channel ID where drills are announced and reported'),
    policy: durationSchema('90d')
      .optional()
      .describe('longest allowed interval between successful drills, e.g. "90d"; a database past it is reported as overdue'),
    announceBefore: durationSchema('30m').default(1_800_000).describe('how long before the drill the announcement (skip/postpone) is posted (default 30m)'),
    target: z.enum(DRILL_TARGETS).default('latest').describe('restore the latest restorable point, or a random point in the window (default latest)'),
    freezeWindows: z.array(freezeWindowSchema).default([]).describe('date ranges with no scheduled drills'),
  })
  .describe('scheduled restore drills');

export type DrillsConfig = z.output<typeof drillsSchema>;
