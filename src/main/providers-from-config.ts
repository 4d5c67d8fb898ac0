import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { CutoverConfig } from '../config/cutover-schema';
import { cutoverName } from '../config/cutover-name';
import type { HealthCheckConfig } from '../config/health-check-schema';
import type { DatabaseConfig, RewindConfig } from '../config/schema';
import { AuroraClusterRecoverySource } from '../providers/aws/aurora-cluster-source';
import { secretsManagerClientFrom, type AwsClientOptions } from '../providers/aws/aws-client';
import { RdsInstanceRecoverySource } from '../providers/aws/rds-instance-source';
import { RdsRetention } from '../providers/aws/rds-retention';
import { connectionUrlFromSecret, credentialedEndpoint, SecretCredentialsValidator, type ValidationSslMode } from '../providers/aws/secret-credentials-validator';
import { SecretsManagerCutover } from '../providers/aws/secrets-manager-cutover';
import { HttpHealthCheck } from '../providers/health/http-health-check';
import { SqlHealthCheck } from '../providers/health/sql-health-check';
import { KubernetesRolloutRestart } from '../providers/kubernetes/rollout-restart-cutover';
import { ConnectionFileCutover } from '../providers/local/connection-file-cutover';
import { LocalPostgresRecoverySource } from '../providers/local/local-recovery-source';
import { SqlValidator } from '../providers/local/sql-validator';
import type { Cutover, DatabaseProviders, HealthCheck, ProviderResolver, RecoverySource, ResourceRetention, Validator } from '../providers/ports';
import { WebhookCutover } from '../providers/webhook/webhook-cutover';
import { RewindError } from '../recovery/errors';

/**
 * What rewind.yml does not say about how to reach the providers. Everything defaults to the
 * standard chains (AWS_REGION, AWS_ENDPOINT_URL_RDS, AWS_ENDPOINT_URL_SECRETS_MANAGER, profiles,
 * roles; KUBECONFIG or the in-cluster service account); tests point them at the fakes here.
 */
export interface ProviderOptions {
  aws?: { rdsEndpoint?: string; secretsManagerEndpoint?: string; credentials?: AwsClientOptions['credentials']; maxAttempts?: number };
  kubeConfig?: KubeConfig;
  /** rewind.yml `retention`: how long a replaced database is kept (default 72 h). */
  retentionMs?: number;
  /** Hints between polls; default the adapters' own (RDS 30 s, Kubernetes 5 s). */
  pollIntervalMs?: { rds?: number; kubernetes?: number };
  /** TLS of logins with a secret's credentials (validating a restored RDS database, SQL health checks); default PGSSLMODE, else verify-full. */
  validationSslMode?: ValidationSslMode;
}

const DEFAULT_RETENTION_MS = 72 * 3_600_000;

/** The AWS SDK's own chain supplies the region when rewind.yml names none. */
function awsRegion(region: string | undefined): string {
  const r = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!r) throw new RewindError({ code: 'AWS_REGION_MISSING', userMessage: 'No AWS region: set source.region in rewind.yml or AWS_REGION in the environment.' });
  return r;
}

function rdsOptions(region: string | undefined, o: ProviderOptions): AwsClientOptions {
  return { region: awsRegion(region), endpoint: o.aws?.rdsEndpoint, credentials: o.aws?.credentials, maxAttempts: o.aws?.maxAttempts };
}

function smOptions(region: string | undefined, o: ProviderOptions): AwsClientOptions {
  return { region: awsRegion(region), endpoint: o.aws?.secretsManagerEndpoint, credentials: o.aws?.credentials, maxAttempts: o.aws?.maxAttempts };
}

function sourceFor(db: DatabaseConfig, o: ProviderOptions): RecoverySource {
  const pollIntervalMs = o.pollIntervalMs?.rds;
  switch (db.provider) {
    case 'rds-instance':
      return new RdsInstanceRecoverySource({ rds: rdsOptions(db.source.region, o), sourceInstanceId: db.source.instanceId, pollIntervalMs });
    case 'aurora-cluster':
      return new AuroraClusterRecoverySource({ rds: rdsOptions(db.source.region, o), sourceClusterId: db.source.clusterId, instanceClass: db.source.instanceClass, pollIntervalMs });
    case 'local-postgres': {
      const s = db.source;
      const connection = s.dataDir
        ? { dataDir: resolve(s.dataDir), port: s.port, user: s.user, database: s.database }
        : { host: s.host ?? '127.0.0.1', port: s.port ?? 5432, user: s.user ?? 'postgres', database: s.database };
      return new LocalPostgresRecoverySource({
        archiveDir: resolve(s.archiveDir),
        backupDir: resolve(s.backupDir),
        restoreRoot: resolve(s.restoreRoot),
        source: connection,
        database: s.database,
      });
    }
  }
}

/** The name shown in plans and messages. */
function cutoverFor(c: CutoverConfig, o: ProviderOptions): { name: string; cutover: Cutover } {
  const name = cutoverName(c);
  switch (c.type) {
    case 'secrets-manager':
      return { name, cutover: new SecretsManagerCutover({ sm: smOptions(c.region, o), secretId: c.secretId }) };
    case 'kubernetes-restart': {
      let kubeConfig = o.kubeConfig;
      if (!kubeConfig) {
        kubeConfig = new KubeConfig();
        kubeConfig.loadFromDefault();
        if (c.context) kubeConfig.setCurrentContext(c.context);
      }
      return {
        name,
        cutover: new KubernetesRolloutRestart({ kubeConfig, deployments: c.deployments.map((name) => ({ namespace: c.namespace, name })), pollIntervalMs: o.pollIntervalMs?.kubernetes }),
      };
    }
    case 'webhook':
      return {
        name,
        cutover: new WebhookCutover({
          name: c.name,
          request: { url: c.url, method: c.method, headers: c.headers, body: c.body },
          ...(c.rollback ? { rollbackRequest: { url: c.rollback.url, method: c.rollback.method, headers: c.rollback.headers, body: c.rollback.body } } : {}),
          expectStatus: c.expectStatus === undefined ? undefined : [c.expectStatus],
        }),
      };
    case 'connection-file':
      return { name, cutover: new ConnectionFileCutover({ path: resolve(c.path), reloadUrl: c.reloadUrl }) };
  }
}

/**
 * A SQL health check connects where the applications connect now. With a secrets-manager cutover
 * that is the secret (the first one, as for validation), read at check time: the cutover switched
 * its host and port, while REWIND_<DB>_URL would still name the old database, so that variable is
 * ignored then, even when set (documented in the schema and the README; nothing is logged here).
 * Without one it is REWIND_<DB>_URL. The URL carries a password; SqlHealthCheck scrubs it from
 * every result, and a connection string that cannot be read is a failed check, not a throw.
 */
function healthCheckFor(h: HealthCheckConfig, db: DatabaseConfig, o: ProviderOptions): { name: string; check: HealthCheck } {
  if (h.type === 'http') {
    return {
      name: h.name,
      check: new HttpHealthCheck({ name: h.name, url: h.url, expectStatus: [h.expectStatus], bodyMatch: h.bodyContains, timeoutMs: h.timeout, retries: h.retries }),
    };
  }
  const sqlCheck = (connectionString: () => Promise<string>) => ({ name: h.name, check: new SqlHealthCheck({ name: h.name, query: h.query, expect: h.expect, connectionString }) });
  const secret = db.cutover.find((c) => c.type === 'secrets-manager');
  if (secret) {
    const sm = secretsManagerClientFrom(smOptions(secret.region, o));
    const sslMode = secretLoginSslMode(o);
    return sqlCheck(() => connectionUrlFromSecret(sm, secret.secretId, sslMode, `the SQL health check "${h.name}" of ${db.name}`));
  }
  const variable = `REWIND_${db.name.toUpperCase().replace(/-/g, '_')}_URL`;
  const url = process.env[variable];
  return sqlCheck(async () => {
    if (!url) {
      throw new RewindError({
        code: 'SQL_HEALTH_CHECK_URL_MISSING',
        userMessage: `The SQL health check "${h.name}" of ${db.name} needs the application's connection string in ${variable}.`,
      });
    }
    return url;
  });
}

const SSL_MODES: readonly string[] = ['verify-full', 'no-verify', 'disable'] satisfies ValidationSslMode[];

/** TLS of logins with a secret's credentials (validation, SQL health checks): the option, else PGSSLMODE, else verify-full. */
function secretLoginSslMode(o: ProviderOptions): ValidationSslMode {
  const envMode = process.env.PGSSLMODE;
  return o.validationSslMode ?? (envMode && SSL_MODES.includes(envMode) ? (envMode as ValidationSslMode) : 'verify-full');
}

/**
 * A restored RDS database has the source's master login, which Rewind never stores. With a
 * secrets-manager cutover, it is read from that (RDS-style) secret at validation time; without
 * one, node-postgres takes PGUSER, PGPASSWORD and PGSSLMODE from the environment.
 */
function validatorFor(db: DatabaseConfig, o: ProviderOptions): Validator | undefined {
  if (db.validation.length === 0) return undefined;
  if (db.provider === 'local-postgres') return new SqlValidator({ checks: db.validation, user: db.source.user });
  const secret = db.cutover.find((c) => c.type === 'secrets-manager');
  if (!secret) return new SqlValidator({ checks: db.validation, user: process.env.PGUSER });
  const sslMode = secretLoginSslMode(o);
  return new SecretCredentialsValidator({
    sm: smOptions(secret.region, o),
    secretId: secret.secretId,
    build: (endpoint, credentials) => ({ validator: new SqlValidator({ checks: db.validation }), endpoint: credentialedEndpoint(endpoint, credentials, sslMode) }),
  });
}

function retentionFor(db: DatabaseConfig, o: ProviderOptions): ResourceRetention | undefined {
  const retainForMs = o.retentionMs ?? DEFAULT_RETENTION_MS;
  if (db.provider === 'rds-instance') return new RdsRetention({ rds: rdsOptions(db.source.region, o), kind: 'instance', sourceId: db.source.instanceId, database: db.name, retainForMs });
  if (db.provider === 'aurora-cluster') return new RdsRetention({ rds: rdsOptions(db.source.region, o), kind: 'cluster', sourceId: db.source.clusterId, database: db.name, retainForMs });
  return undefined;
}

export function providersForDatabase(db: DatabaseConfig, o: ProviderOptions = {}): DatabaseProviders {
  return {
    source: sourceFor(db, o),
    cutovers: db.cutover.map((c) => cutoverFor(c, o)),
    validator: validatorFor(db, o),
    healthChecks: db.healthChecks.map((h) => healthCheckFor(h, db, o)),
    retention: retentionFor(db, o),
  };
}

/** Builds each database's adapters once, on first use, so a start-up needs no AWS or Kubernetes. */
export function providersFromConfig(config: RewindConfig, o: ProviderOptions = {}): ProviderResolver {
  const cache = new Map<string, DatabaseProviders>();
  return (database) => {
    const cached = cache.get(database);
    if (cached) return cached;
    const db = config.databases[database];
    if (!db) throw new RewindError({ code: 'UNKNOWN_DATABASE', userMessage: `${database} is not in rewind.yml; the configured databases are ${Object.keys(config.databases).join(', ')}.` });
    const built = providersForDatabase(db, { retentionMs: config.retention, ...o });
    cache.set(database, built);
    return built;
  };
}
