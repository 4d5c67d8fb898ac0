import { RewindError } from '../../recovery/errors';

/**
 * The RDS-style secret JSON (`{engine, host, port, username, password, dbname, …}`). Only host,
 * port and dbname are ever read out or written; other fields pass through untouched. Parse errors
 * never quote the text, because it holds a password.
 */
export type SecretFields = Record<string, unknown>;

export function parseSecret(secretString: string | undefined, secretId: string): SecretFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as SecretFields).host !== 'string') {
    throw new RewindError({
      code: 'SECRET_NOT_RDS_JSON',
      userMessage: `Secret ${secretId} is not an RDS-style JSON secret with a "host" field, so Rewind cannot switch it. Use the {engine, host, port, username, password, dbname} layout or another cutover.`,
    });
  }
  return parsed as SecretFields;
}

export function hostPort(fields: SecretFields): { host: string; port: string } {
  return { host: String(fields.host ?? ''), port: fields.port === undefined ? '' : String(fields.port) };
}

/** Keeps the port's original JSON type (some secrets store it as a string). */
export function withEndpoint(fields: SecretFields, host: string, port: number, dbname?: string): SecretFields {
  const next: SecretFields = { ...fields, host, port: typeof fields.port === 'string' ? String(port) : port };
  if (dbname !== undefined) next.dbname = dbname;
  return next;
}
