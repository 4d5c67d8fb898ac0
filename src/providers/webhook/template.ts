import type { Endpoint } from '../ports';
import { RewindError } from '../../recovery/errors';

/**
 * `{{host}}`, `{{port}}`, `{{database}}` and `{{url}}` placeholders in webhook requests.
 * Values are escaped for where they land: JSON string content, a URL component, or as is.
 */
export const PLACEHOLDERS = ['host', 'port', 'database', 'url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type Escape = 'json' | 'url' | 'none';

const PATTERN = /\{\{\s*([a-zA-Z_]+)\s*\}\}/g;

/** Throws at configuration time for a placeholder Rewind cannot fill. */
export function checkTemplate(template: string, where: string): void {
  for (const m of template.matchAll(PATTERN)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new RewindError({
        code: 'WEBHOOK_TEMPLATE',
        userMessage: `The webhook ${where} uses {{${name}}}, which Rewind does not know. Use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.`,
      });
    }
  }
}

export function templateValues(endpoint: Endpoint): Record<Placeholder, string | undefined> {
  return { host: endpoint.host, port: String(endpoint.port), database: endpoint.database, url: endpoint.url };
}

export function expandTemplate(template: string, values: Record<Placeholder, string | undefined>, escape: Escape): string {
  return template.replace(PATTERN, (_all, raw: string) => {
    const name = raw as Placeholder;
    const value = values[name];
    if (value === undefined) {
      throw new RewindError({
        code: 'WEBHOOK_TEMPLATE',
        userMessage: `The webhook request uses {{${name}}}, but the restored database has no ${name}. Remove the placeholder or configure the value.`,
      });
    }
    if (escape === 'json') return JSON.stringify(value).slice(1, -1);
    if (escape === 'url') return encodeURIComponent(value);
    return value;
  });
}
