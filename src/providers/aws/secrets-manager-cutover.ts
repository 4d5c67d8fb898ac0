import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Cutover, CutoverRecord, Endpoint } from '../ports';
import { RewindError } from '../../recovery/errors';
import { secretsManagerClientFrom, type AwsClientOptions } from './aws-client';
import { isAwsError, toRewindError } from './aws-errors';
import { uuidFromKey } from './idempotency-token';
import { hostPort, parseSecret, withEndpoint } from './rds-secret';

export const SECRETS_MANAGER_CUTOVER = 'aws-secrets-manager';

export interface SecretsManagerCutoverOptions {
  sm: SecretsManagerClient | AwsClientOptions;
  /** Name or ARN of the RDS-style secret the applications read. */
  secretId: string;
  /** Also write the endpoint's database into `dbname` (default: leave `dbname` alone). */
  updateDatabaseName?: boolean;
}

/** What apply() did; holds version ids and hosts, never secret values. */
export interface SecretCutoverRecord extends CutoverRecord {
  kind: typeof SECRETS_MANAGER_CUTOVER;
  secretId: string;
  previousVersionId: string;
  newVersionId: string;
  previous: { host: string; port: string };
  next: { host: string; port: string };
}

/**
 * Points an RDS-style secret at the restored database by writing a new AWSCURRENT version
 * (the old one becomes AWSPREVIOUS); rollback moves AWSCURRENT back. Idempotent by a
 * ClientRequestToken derived from the idempotency key.
 */
export class SecretsManagerCutover implements Cutover {
  private readonly sm: SecretsManagerClient;

  constructor(private readonly opts: SecretsManagerCutoverOptions) {
    this.sm = secretsManagerClientFrom(opts.sm);
  }

  async plan(endpoint: Endpoint): Promise<string> {
    const current = hostPort(parseSecret(await this.secretString(), this.opts.secretId));
    const arrow = (from: string, to: string): string => (from === to ? `${to} (unchanged)` : `${from} → ${to}`);
    const lines = [
      `Secret ${this.opts.secretId}: a new AWSCURRENT version (the current one stays as AWSPREVIOUS for rollback)`,
      `• host: ${arrow(current.host, endpoint.host)}`,
      `• port: ${arrow(current.port, String(endpoint.port))}`,
    ];
    if (this.opts.updateDatabaseName && endpoint.database) lines.push(`• dbname: ${endpoint.database}`);
    return lines.join('\n');
  }

  async apply(endpoint: Endpoint, idempotencyKey: string): Promise<SecretCutoverRecord> {
    const secretId = this.opts.secretId;
    const token = uuidFromKey('rewind-secret-cutover', secretId, idempotencyKey);
    const stages = await this.stages();
    const holder = (stage: string): string | undefined => Object.entries(stages).find(([, s]) => s.includes(stage))?.[0];

    if (stages[token]) {
      // Already applied by an earlier attempt: rebuild the record instead of writing again.
      if (!stages[token].includes('AWSCURRENT')) {
        throw new RewindError({
          code: 'SECRET_CUTOVER_SUPERSEDED',
          userMessage: `Secret ${secretId} was already switched by this step once and has changed since (that version is no longer AWSCURRENT). Rewind will not write it again; check the secret by hand.`,
        });
      }
      const previousVersionId = holder('AWSPREVIOUS');
      if (!previousVersionId) throw this.noPrevious();
      const previous = hostPort(parseSecret(await this.secretString(previousVersionId), secretId));
      const next = hostPort(parseSecret(await this.secretString(token), secretId));
      return { kind: SECRETS_MANAGER_CUTOVER, secretId, previousVersionId, newVersionId: token, previous, next };
    }

    const previousVersionId = holder('AWSCURRENT');
    if (!previousVersionId) throw this.noPrevious();
    const fields = parseSecret(await this.secretString(previousVersionId), secretId);
    const dbname = this.opts.updateDatabaseName ? endpoint.database : undefined;
    const updated = withEndpoint(fields, endpoint.host, endpoint.port, dbname);
    try {
      await this.sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(updated), ClientRequestToken: token }));
    } catch (err) {
      if (isAwsError(err, 'ResourceExistsException')) {
        throw new RewindError({
          code: 'SECRET_CUTOVER_CONFLICT',
          userMessage: `Secret ${secretId} already has a version for this cutover with different contents. Rewind will not overwrite it; check the secret's versions by hand.`,
          cause: err,
        });
      }
      throw toRewindError(err, `write a new version of secret ${secretId}`);
    }
    return { kind: SECRETS_MANAGER_CUTOVER, secretId, previousVersionId, newVersionId: token, previous: hostPort(fields), next: hostPort(updated) };
  }

  async rollback(record: CutoverRecord): Promise<void> {
    const r = record as SecretCutoverRecord;
    if (r.kind !== SECRETS_MANAGER_CUTOVER || !r.previousVersionId || !r.newVersionId) {
      throw new RewindError({ code: 'BAD_CUTOVER_RECORD', userMessage: `Internal error: a ${String(record.kind)} record was given to the Secrets Manager cutover.` });
    }
    const stages = await this.stages(r.secretId);
    const current = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    if (current === r.previousVersionId) return;
    if (current !== r.newVersionId) {
      throw new RewindError({
        code: 'SECRET_CHANGED_SINCE_CUTOVER',
        userMessage: `Secret ${r.secretId} changed after the cutover (AWSCURRENT is now version ${current ?? 'none'}, not the one Rewind wrote). Rewind will not roll it back over that change; restore host ${r.previous.host} port ${r.previous.port} by hand if needed.`,
      });
    }
    try {
      await this.sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: r.secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: r.previousVersionId,
          RemoveFromVersionId: r.newVersionId,
        }),
      );
    } catch (err) {
      throw toRewindError(err, `move AWSCURRENT of secret ${r.secretId} back to version ${r.previousVersionId}`);
    }
  }

  /**
   * A warning when the secret was rotated or changed after `target`: the restored database then
   * still has the old password while the secret has the new one. Call it before apply(), since
   * apply() itself changes the secret.
   */
  async rotationWarning(target: Date): Promise<string | undefined> {
    const out = await this.describeSecret(this.opts.secretId);
    const id = this.opts.secretId;
    const consequence =
      'the restored database still has the password from before it, so logins with the secret may fail until the password is reset on the restored database (or the secret is rotated again after cutover).';
    if (out.LastRotatedDate && out.LastRotatedDate.getTime() > target.getTime()) {
      return `Secret ${id} was rotated at ${out.LastRotatedDate.toISOString()}, after the restore target ${target.toISOString()}: ${consequence}`;
    }
    if (out.LastChangedDate && out.LastChangedDate.getTime() > target.getTime()) {
      return `Secret ${id} was changed at ${out.LastChangedDate.toISOString()}, after the restore target ${target.toISOString()}. If that change was a new password, ${consequence}`;
    }
    return undefined;
  }

  private async secretString(versionId?: string): Promise<string | undefined> {
    try {
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: this.opts.secretId, ...(versionId ? { VersionId: versionId } : {}) }));
      return out.SecretString;
    } catch (err) {
      throw toRewindError(err, `read secret ${this.opts.secretId}`);
    }
  }

  private async describeSecret(secretId: string) {
    try {
      return await this.sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    } catch (err) {
      throw toRewindError(err, `describe secret ${secretId}`);
    }
  }

  private async stages(secretId = this.opts.secretId): Promise<Record<string, string[]>> {
    return (await this.describeSecret(secretId)).VersionIdsToStages ?? {};
  }

  private noPrevious(): RewindError {
    return new RewindError({
      code: 'SECRET_NO_CURRENT_VERSION',
      userMessage: `Secret ${this.opts.secretId} has no AWSCURRENT/AWSPREVIOUS version Rewind can return to, so it will not switch it.`,
    });
  }
}
