import { z } from 'zod';
import { durationSchema } from './duration';
import { httpUrl, text } from './text';

/** Probes run after a cutover to confirm applications work against the restored copy. Discriminated on `type`. */

export const httpHealthCheckSchema = z
  .strictObject({
    type: z.literal('http').describe('health check kind "http"'),
    name: text().describe('short name shown in the live message and reports'),
    url: httpUrl().describe('http(s) URL requested with GET'),
    expectStatus: z.int().min(100).max(599).default(200).describe('expected HTTP status (default 200)'),
    bodyContains: z.string().min(1).optional().describe('text the response body must contain'),
    timeout: durationSchema('5s').default(5_000).describe('timeout per attempt, a duration like "5s" (default 5s)'),
    retries: z.int().min(0).max(100).default(3).describe('extra attempts after a failure before the check fails (default 3)'),
  })
  .describe('HTTP GET probe');

export const sqlHealthCheckSchema = z
  .strictObject({
    type: z.literal('sql').describe('health check kind "sql"'),
    name: text().describe('short name shown in the live message and reports'),
    query: text().describe('SQL run against the database after cutover; the first column of the first row is compared'),
    expect: z
      .union([z.string(), z.number(), z.boolean()], { error: 'expected the text the query must return, like "1"' })
      .transform((value) => String(value))
      .describe('expected value of the first column of the first row, compared as text'),
  })
  .describe(
    'SQL probe; connects with the host, port and login in the secret of the first secrets-manager cutover as it is when the check runs (REWIND_<DATABASE>_URL is then ignored, even when set), or, without such a cutover, with REWIND_<DATABASE>_URL; a connection that cannot be read or made fails the check',
  );

export const healthCheckSchema = z.discriminatedUnion('type', [httpHealthCheckSchema, sqlHealthCheckSchema]);

export const HEALTH_CHECK_TYPES = healthCheckSchema.options.map((option) => option.shape.type.value);

export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
