import { appendFile } from 'node:fs/promises';

export type SettingValue = string | number | boolean;

/** A postgresql.conf string literal: quotes doubled, backslashes escaped. */
export function confString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A POSIX shell single-quoted word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function render(value: SettingValue): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return confString(value);
}

/**
 * Appends settings to postgresql.auto.conf, which the server reads last, so these win over
 * anything copied from the source's configuration.
 */
export async function appendSettings(dataDir: string, settings: Record<string, SettingValue>, comment: string): Promise<void> {
  const lines = [`# ${comment}`, ...Object.entries(settings).map(([k, v]) => `${k} = ${render(v)}`), ''];
  await appendFile(`${dataDir}/postgresql.auto.conf`, `\n${lines.join('\n')}`);
}
