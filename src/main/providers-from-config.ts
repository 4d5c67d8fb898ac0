import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { CutoverConfig } from '../config/cutover-schema';
import type { HealthCheckConfig } from '../config/health-check-schema';
import type { DatabaseConfig, RewindConfig } from '../config/schema';
import { AuroraClusterRecoverySource } from '../providers/aws/aurora-cluster-source';
import { RdsInstanceRecoverySource } from '../providers/aws/rds-instance-source';
import { SecretsManagerCutover } from '../providers/aws/secrets-manager-cutover';
import { HttpHealthCheck } from '../providers/health/http-health-check';
import { SqlHealthCheck } from '../providers/health/sql-health-check';
import { KubernetesRolloutRestart } from '../providers/kubernetes/rollout-restart-cutover';
import { ConnectionFileCutover } from '../providers/local/connection-file-cutover';
import { LocalPostgresRecoverySource } from '../providers/local/local-recovery-source';
import { SqlValidator } from '../providers/local/sql-validator';
import type { Cutover, DatabaseProviders, HealthCheck, ProviderResolver, RecoverySource } from '../providers/ports';
import { WebhookCutover } from '../providers/webhook/webhook-cutover';
import { RewindError } from '../recovery/errors';

/** The AWS SDK's own chain supplies the region when rewind.yml names none. */
function awsRegion(region: string | undefined): string {
  const r = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!r) throw new RewindError({ code: 'AWS_REGION_MISSING', userMessage: 'No AWS region: set source.region in rewind.yml or AWS_REGION in the environment.' });
  return r;
}

function sourceFor(db: DatabaseConfig): RecoverySource {
  switch (db.provider) {
    case 'rds-instance':
      return new RdsInstanceRecoverySource({ rds: { region: awsRegion(db.source.region) }, sourceInstanceId: db.source.instanceId });
    case 'aurora-cluster':
      return new AuroraClusterRecoverySource({ rds: { region: awsRegion(db.source.region) }, sourceClusterId: db.source.clusterId, instanceClass: db.source.instanceClass });
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

function cutoverFor(c: CutoverConfig): { name: string; cutover: Cutover } {
  switch (c.type) {
    case 'secrets-manager':
      return { name: `secret ${c.secretId}`, cutover: new SecretsManagerCutover({ sm: { region: awsRegion(c.region) }, secretId: c.secretId }) };
    case 'kubernetes-restart': {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromDefault();
      if (c.context) kubeConfig.setCurrentContext(c.context);
      return {
        name: `restart ${c.namespace}/${c.deployments.join(', ')}`,
        cutover: new KubernetesRolloutRestart({ kubeConfig, deployments: c.deployments.map((name) => ({ namespace: c.namespace, name })) }),
      };
    }
    case 'webhook':
      return {
        name: c.name,
        cutover: new WebhookCutover({
          name: c.name,
          request: { url: c.url, method: c.method, headers: c.headers, body: c.body },
          expectStatus: c.expectStatus === undefined ? undefined : [c.expectStatus],
        }),
      };
    case 'connection-file':
      return { name: `connection file ${c.path}`, cutover: new ConnectionFileCutover({ path: resolve(c.path), reloadUrl: c.reloadUrl }) };
  }
}

function healthCheckFor(h: HealthCheckConfig, db: DatabaseConfig): { name: string; check: HealthCheck } {
  if (h.type === 'http') {
    return {
      name: h.name,
      check: new HttpHealthCheck({ name: h.name, url: h.url, expectStatus: [h.expectStatus], bodyMatch: h.bodyContains, timeoutMs: h.timeout, retries: h.retries }),
    };
  }
  const url = process.env[`REWIND_${db.name.toUpperCase().replace(/-/g, '_')}_URL`];
  return {
    name: h.name,
    check: new SqlHealthCheck({
      name: h.name,
      query: h.query,
      expect: h.expect,
      connectionString: async () => {
        if (!url) {
          throw new RewindError({
            code: 'SQL_HEALTH_CHECK_URL_MISSING',
            userMessage: `The SQL health check "${h.name}" of ${db.name} needs the application's connection string in REWIND_${db.name.toUpperCase().replace(/-/g, '_')}_URL.`,
          });
        }
        return url;
      },
    }),
  };
}

export function providersForDatabase(db: DatabaseConfig): DatabaseProviders {
  return {
    source: sourceFor(db),
    cutovers: db.cutover.map(cutoverFor),
    validator: db.validation.length > 0 ? new SqlValidator({ checks: db.validation, user: db.provider === 'local-postgres' ? db.source.user : undefined }) : undefined,
    healthChecks: db.healthChecks.map((h) => healthCheckFor(h, db)),
  };
}

/** Builds each database's adapters once, on first use, so a start-up needs no AWS or Kubernetes. */
export function providersFromConfig(config: RewindConfig): ProviderResolver {
  const cache = new Map<string, DatabaseProviders>();
  return (database) => {
    const cached = cache.get(database);
    if (cached) return cached;
    const db = config.databases[database];
    if (!db) throw new RewindError({ code: 'UNKNOWN_DATABASE', userMessage: `${database} is not in rewind.yml; the configured databases are ${Object.keys(config.databases).join(', ')}.` });
    const built = providersForDatabase(db);
    cache.set(database, built);
    return built;
  };
}
