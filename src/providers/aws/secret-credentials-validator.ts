import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CheckResult, Endpoint, RestoreTarget, Validator } from '../ports';
import { RewindError } from '../../recovery/errors';
import { secretsManagerClientFrom, type AwsClientOptions } from './aws-client';
import { toRewindError } from './aws-errors';
import { parseSecret } from './rds-secret';

/** The master login of a restored database; lives only for one validate() call, never stored. */
export interface DatabaseCredentials {
  username: string;
  password: string;
}

/** How the validator reaches the restored database; RDS for PostgreSQL 15+ refuses non-TLS logins. */
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
    const credentials = await this.credentials();
    const inner = this.opts.build(endpoint, credentials);
    return inner.validator.validate(inner.endpoint, target);
  }

  private async credentials(): Promise<DatabaseCredentials> {
    const id = this.opts.secretId;
    let secretString: string | undefined;
    try {
      secretString = (await this.sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    } catch (err) {
      throw toRewindError(err, `read the database login from secret ${id} for validation`);
    }
    const fields = parseSecret(secretString, id);
    if (typeof fields.username !== 'string' || fields.username === '' || typeof fields.password !== 'string') {
      throw new RewindError({
        code: 'SECRET_NO_CREDENTIALS',
        userMessage: `Secret ${id} has no "username" and "password" fields, so Rewind cannot log in to the restored database to validate it. Add them (the RDS layout has both) or remove the validation checks.`,
      });
    }
    return { username: fields.username, password: fields.password };
  }
}

/**
 * A connection URL for node-postgres carrying the credentials (in memory only). `verify-full`
 * needs the RDS CA bundle trusted by Node (NODE_EXTRA_CA_CERTS=/path/to/global-bundle.pem).
 */
export function credentialedEndpoint(endpoint: Endpoint, c: DatabaseCredentials, sslMode: ValidationSslMode): Endpoint {
  const auth = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  const db = encodeURIComponent(endpoint.database ?? 'postgres');
  const ssl = sslMode === 'disable' ? '' : `?sslmode=${sslMode}`;
  return { ...endpoint, url: `postgres://${auth}@${endpoint.host}:${endpoint.port}/${db}${ssl}` };
}
