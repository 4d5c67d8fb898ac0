import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CheckResult, Endpoint, RestoreTarget, Validator } from '../ports';
import { RewindError } from '../../recovery/errors';
import { secretsManagerClientFrom, type AwsClientOptions } from './aws-client';
import { toRewindError } from './aws-errors';
import { hostPort, parseSecret, type SecretFields } from './rds-secret';

/** The master login of a restored database; lives only for one validate() call, never stored. */
export interface DatabaseCredentials {
  username: string;
  password: string;
}

/** TLS of Rewind's logins with a secret's credentials (validation, SQL health checks); RDS for PostgreSQL 15+ refuses non-TLS logins. */
export type ValidationSslMode = 'verify-full' | 'no-verify' | 'disable';

export interface SecretCredentialsValidatorOptions {
  sm: SecretsManagerClient | AwsClientOptions;
  /** The RDS-style secret the first secrets-manager cutover switches; read before cutover, so it still holds the source's login. */
  secretId: string;
  /** Builds the validator that connects with these credentials (e.g. an SqlValidator). */
  build: (endpoint: Endpoint, credentials: DatabaseCredentials) => { validator: Validator; endpoint: Endpoint };
}

/**
 * A restored RDS instance has the source's master user and password (as of the restore point),
 * which Rewind does not keep. This validator reads them from the application's Secrets Manager
 * secret at the moment it validates and hands them to the inner validator in memory only: they
 * are never written to the store, to step outputs, to logs or to error messages.
 */
export class SecretCredentialsValidator implements Validator {
  private readonly sm: SecretsManagerClient;

  constructor(private readonly opts: SecretCredentialsValidatorOptions) {
    this.sm = secretsManagerClientFrom(opts.sm);
  }

  async validate(endpoint: Endpoint, target: RestoreTarget): Promise<CheckResult[]> {
    const fields = await readRdsSecret(this.sm, this.opts.secretId, 'validation');
    const credentials = secretCredentials(fields, this.opts.secretId, 'log in to the restored database to validate it', 'remove the validation checks');
    const inner = this.opts.build(endpoint, credentials);
    return inner.validator.validate(inner.endpoint, target);
  }
}

/**
 * The AWSCURRENT value of an RDS-style secret, parsed. The one reader of database logins from
 * Secrets Manager: the validator and the SQL health check both use it. `purpose` completes
 * "… from secret X for <purpose>" in errors, which never quote the secret's text.
 */
export async function readRdsSecret(sm: SecretsManagerClient, secretId: string, purpose: string): Promise<SecretFields> {
  let secretString: string | undefined;
  try {
    secretString = (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    throw toRewindError(err, `read the database login from secret ${secretId} for ${purpose}`);
  }
  return parseSecret(secretString, secretId);
}

/**
 * The login in a parsed RDS-style secret. `need` completes "so Rewind cannot <need>", and
 * `alternative` ends "Add them (…) or <alternative>".
 */
export function secretCredentials(fields: SecretFields, secretId: string, need: string, alternative: string): DatabaseCredentials {
  if (typeof fields.username !== 'string' || fields.username === '' || typeof fields.password !== 'string') {
    throw new RewindError({
      code: 'SECRET_NO_CREDENTIALS',
      userMessage: `Secret ${secretId} has no "username" and "password" fields, so Rewind cannot ${need}. Add them (the RDS layout has both) or ${alternative}.`,
    });
  }
  return { username: fields.username, password: fields.password };
}

/**
 * A connection URL for node-postgres carrying the credentials (in memory only). `verify-full`
 * needs the RDS CA bundle trusted by Node (NODE_EXTRA_CA_CERTS=/path/to/global-bundle.pem).
 */
export function credentialedEndpoint(endpoint: Endpoint, c: DatabaseCredentials, sslMode: ValidationSslMode): Endpoint & { url: string } {
  const auth = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  const db = encodeURIComponent(endpoint.database ?? 'postgres');
  const ssl = sslMode === 'disable' ? '' : `?sslmode=${sslMode}`;
  return { ...endpoint, url: `postgres://${auth}@${endpoint.host}:${endpoint.port}/${db}${ssl}` };
}

/**
 * The connection URL applications use right now, built from the secret as it is at this moment
 * (AWSCURRENT: after a cutover the restored host and port, after a rollback the old ones again),
 * with the same TLS handling as validation logins. `purpose` names the caller in error messages.
 * The URL holds the password: keep it in memory, and scrub it from anything shown or stored.
 */
export async function connectionUrlFromSecret(sm: SecretsManagerClient, secretId: string, sslMode: ValidationSslMode, purpose: string): Promise<string> {
  const fields = await readRdsSecret(sm, secretId, purpose);
  const credentials = secretCredentials(fields, secretId, `connect for ${purpose}`, `remove ${purpose}`);
  const { host, port } = hostPort(fields);
  // RDS always writes the port; a secret without one means PostgreSQL's default.
  const portNumber = port === '' ? 5432 : Number(port);
  if (host.trim() === '' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new RewindError({
      code: 'SECRET_BAD_ENDPOINT',
      userMessage: `Secret ${secretId} has an empty "host" or a "port" that is not a TCP port number, so Rewind cannot connect for ${purpose}. Fix those fields of the secret.`,
    });
  }
  const database = typeof fields.dbname === 'string' && fields.dbname !== '' ? fields.dbname : undefined;
  return credentialedEndpoint({ host, port: portNumber, ...(database ? { database } : {}) }, credentials, sslMode).url;
}
