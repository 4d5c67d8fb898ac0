import { z } from 'zod';
import { awsRegion, httpUrl, patterned, text } from './text';

/**
 * Cutover actions: what points applications at the restored copy, applied in the order listed
 * and rolled back in reverse. Discriminated on `type`.
 */

const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 9110 token characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Header values name an environment variable; the secret itself never lives in rewind.yml. */
export const ENV_REFERENCE = /^env:[A-Za-z_][A-Za-z0-9_]*$/;

export const WEBHOOK_METHODS = ['POST', 'PUT', 'PATCH'] as const;

/** Webhook headers: names are RFC 9110 tokens, values only `env:VAR` references. */
function webhookHeaders() {
  return z
    .record(
      patterned(HEADER_NAME, 'an HTTP header name like "Authorization"'),
      z.string({ error: 'header values must be "env:VAR_NAME" references to environment variables' }).regex(ENV_REFERENCE, {
        error:
          'header values must reference an environment variable like "env:WEBHOOK_TOKEN", not contain the value itself; ' +
          'put the value in an environment variable and write "env:VAR_NAME"',
      }),
    )
    .optional();
}

export const secretsManagerCutoverSchema = z
  .strictObject({
    type: z.literal('secrets-manager').describe('cutover kind "secrets-manager"'),
    secretId: text().describe('name or ARN of the AWS Secrets Manager secret whose host/port are replaced with the restored endpoint'),
    region: awsRegion()
      .optional()
      .describe('AWS region of the secret; default: the region from the standard AWS chain'),
  })
  .describe('rewrite a Secrets Manager secret so applications connect to the restored copy');

export const kubernetesRestartCutoverSchema = z
  .strictObject({
    type: z.literal('kubernetes-restart').describe('cutover kind "kubernetes-restart"'),
    namespace: patterned(DNS_LABEL, 'a Kubernetes namespace like "payments" (lowercase letters, digits, dashes)').describe(
      'namespace of the deployments to restart',
    ),
    deployments: z
      .array(patterned(DNS_SUBDOMAIN, 'a Kubernetes deployment name like "api" (lowercase letters, digits, dashes, dots)'))
      .min(1, { error: 'list at least one deployment to restart' })
      .describe('deployments to restart (rolling) so they pick up the new connection settings'),
    context: text().optional().describe('kubeconfig context to use; default: the current context'),
  })
  .describe('rolling-restart Kubernetes deployments so they reconnect');

export const webhookCutoverSchema = z
  .strictObject({
    type: z.literal('webhook').describe('cutover kind "webhook"'),
    name: text().describe('short name shown in the plan and the live message (e.g. "pgbouncer")'),
    url: httpUrl().describe('http(s) URL to call'),
    method: z.enum(WEBHOOK_METHODS).default('POST').describe('HTTP method: POST, PUT or PATCH (default POST)'),
    headers: webhookHeaders().describe('request headers; every value is "env:VAR_NAME" and is read from that environment variable at call time'),
    body: z.string().optional().describe('request body template; the webhook cutover fills it with the restored endpoint'),
    expectStatus: z
      .int()
      .min(100)
      .max(599)
      .optional()
      .describe('HTTP status that counts as success (100-599); default: any 2xx (also for the rollback request)'),
    rollback: z
      .strictObject({
        url: httpUrl().describe('http(s) URL to call when the cutover is rolled back'),
        method: z.enum(WEBHOOK_METHODS).default('POST').describe('HTTP method: POST, PUT or PATCH (default POST)'),
        headers: webhookHeaders().describe('request headers; every value is "env:VAR_NAME" and is read from that environment variable at call time'),
        body: z.string().optional().describe('request body template, filled with the endpoint the cutover announced (the restored copy), which is no longer current'),
      })
      .optional()
      .describe('request that undoes the cutover (on abort or "Roll back cutover"); without it a webhook cutover cannot be rolled back by Rewind'),
  })
  .describe('call an HTTP endpoint (e.g. a connection pooler or service registry) with the new endpoint');

export const connectionFileCutoverSchema = z
  .strictObject({
    type: z.literal('connection-file').describe('cutover kind "connection-file"'),
    path: text().describe('file rewritten with the restored connection settings (relative paths are relative to the working directory)'),
    reloadUrl: httpUrl().optional().describe('http(s) URL POSTed after the file is written so the application reloads it'),
  })
  .describe('rewrite a connection settings file and optionally ask the application to reload');

export const cutoverSchema = z.discriminatedUnion('type', [
  secretsManagerCutoverSchema,
  kubernetesRestartCutoverSchema,
  webhookCutoverSchema,
  connectionFileCutoverSchema,
]);

export const CUTOVER_TYPES = cutoverSchema.options.map((option) => option.shape.type.value);

export type CutoverConfig = z.output<typeof cutoverSchema>;
export type WebhookCutoverConfig = z.output<typeof webhookCutoverSchema>;
