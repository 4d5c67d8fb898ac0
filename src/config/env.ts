import { z } from 'zod';
import { ConfigError } from './config-error';
import { configErrorMap } from './error-map';
import { showValue } from './show-value';

/**
 * The environment Rewind reads. Empty values count as unset (docker compose passes `${VAR:-}` as
 * ""), so every variable either has a default or is optional; Slack credentials are optional
 * because the embedded default runs against the local console instead of Slack. Error messages
 * never echo secrets: tokens show only their prefix and URLs hide their password.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const unsetIfBlank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** A URL with its password replaced, for messages. */
function redactUrl(value: unknown): string {
  if (typeof value !== 'string') return showValue(value);
  try {
    const { password } = new URL(value);
    if (password !== '') return showValue(value.replace(`:${password}@`, ':***@'));
  } catch {
    // Not a URL at all; the pattern below still hides anything that looks like credentials.
  }
  return showValue(value.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)[^@]*@/i, '$1***@'));
}

function token(prefix: string, where: string) {
  const message = (input: unknown) =>
    `expected a token starting with "${prefix}" (${where}), got ${typeof input === 'string' ? `a value starting with ${showValue(input.slice(0, 5))}` : showValue(input)}`;
  return z
    .string({ error: (issue) => message(issue.input) })
    .refine((value) => value.startsWith(prefix), { error: (issue) => message(issue.input) });
}

function connectionUrl(protocols: readonly string[], example: string) {
  const message = (input: unknown) => `expected a URL like "${example}", got ${redactUrl(input)}`;
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: (issue) => message(issue.input) },
  );
}

const port = z
  .string({ error: (issue) => `expected a port number 1-65535, got ${showValue(issue.input)}` })
  .refine((value) => /^\d{1,5}$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= 65535, {
    error: (issue) => `expected a port number 1-65535, got ${showValue(issue.input)}`,
  })
  .transform((value) => Number(value));

const fields = {
  SLACK_BOT_TOKEN: z
    .preprocess(unsetIfBlank, token('xoxb-', 'Slack app settings → OAuth & Permissions → Bot User OAuth Token').optional())
    .describe('Slack bot token (xoxb-…); unset to run against the local console only'),
  SLACK_SIGNING_SECRET: z
    .preprocess(unsetIfBlank, z.string().optional())
    .describe('Slack signing secret used to verify requests to /slack/events (Slack app settings → Basic Information)'),
  SLACK_APP_TOKEN: z
    .preprocess(unsetIfBlank, token('xapp-', 'Slack app settings → Basic Information → App-Level Tokens, scope connections:write').optional())
    .describe('Slack app-level token (xapp-…); when set, Rewind connects with Socket Mode instead of receiving HTTP requests'),
  SLACK_API_URL: z
    .preprocess(unsetIfBlank, connectionUrl(['http:', 'https:'], 'https://slack.com/api/').optional())
    .describe('base URL of the Slack Web API, e.g. a local console or a test fake; default: https://slack.com/api/'),
  DATABASE_URL: z
    .preprocess(unsetIfBlank, connectionUrl(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/rewind').default('postgres://postgres@127.0.0.1:5432/rewind'))
    .describe("PostgreSQL database for Rewind's own state (runs, steps, approvals, audit)"),
  REDIS_URL: z
    .preprocess(unsetIfBlank, connectionUrl(['redis:', 'rediss:'], 'redis://host:6379').default('redis://127.0.0.1:6379'))
    .describe('Redis for the step and message queues'),
  REWIND_CONFIG: z.preprocess(unsetIfBlank, z.string().default('./rewind.yml')).describe('path of the rewind.yml configuration file'),
  PORT: z.preprocess(unsetIfBlank, port.default(3000)).describe('HTTP port for /slack/events, /healthz and /metrics'),
  LOG_LEVEL: z.preprocess(unsetIfBlank, z.enum(LOG_LEVELS).default('info')).describe(`log level: ${LOG_LEVELS.join(', ')}`),
  REWIND_QUEUE_PREFIX: z
    .preprocess(
      unsetIfBlank,
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
          error: (issue) => `expected letters, digits, "-" or "_" (no ":"), got ${showValue(issue.input)}`,
        })
        .default('rewind'),
    )
    .describe('prefix of all Redis keys, so several Rewind installations can share one Redis'),
};

export const envSchema = z.object(fields);

export type RewindEnv = z.output<typeof envSchema>;
export type EnvVariable = keyof typeof fields;

/** Every variable Rewind reads itself (AWS and Kubernetes clients read their own standard ones). */
export const ENV_VARIABLES = Object.keys(fields) as EnvVariable[];

export interface EnvVariableDoc {
  name: EnvVariable;
  description: string;
  default?: string;
}

/** Name, description and default of every variable, for docs and `--help`. */
export function envDocs(): EnvVariableDoc[] {
  const defaults: Record<string, unknown> = envSchema.parse({});
  return ENV_VARIABLES.map((name) => {
    const fallback = defaults[name];
    return { name, description: fields[name].description ?? '', ...(fallback === undefined ? {} : { default: String(fallback) }) };
  });
}

/** Reads and validates Rewind's variables from `env`; throws ConfigError ("environment: PORT: …"). */
export function loadEnv(env: Record<string, string | undefined> = process.env): RewindEnv {
  const input = Object.fromEntries(ENV_VARIABLES.map((name) => [name, env[name]]));
  const result = envSchema.safeParse(input, { error: configErrorMap });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path[0];
    return typeof name === 'string' ? `${name}: ${issue.message}` : issue.message;
  });
  throw new ConfigError('environment', problems, result.error);
}
