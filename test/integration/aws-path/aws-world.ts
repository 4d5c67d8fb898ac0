import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { stepProcessors } from '../../../jobs';
import { parseConfig } from '../../../src/config/load';
import type { DatabaseConfig } from '../../../src/config/schema';
import { providersForDatabase, type ProviderOptions } from '../../../src/main/providers-from-config';
import type { DatabaseProviders, RestoreTarget } from '../../../src/providers/ports';
import { buildRecoveryPlan, planSubject } from '../../../src/recovery/plans';
import type { Run } from '../../../src/recovery/run';
import { FakeRds } from '../../fakes/aws-rds';
import { FakeSecretsManager } from '../../fakes/aws-secrets-manager';
import { FakeKubernetesApi } from '../../fakes/kubernetes-api';
import { createHarness, type Harness } from '../../support/engine-harness';
import { AppServer } from './app-server';

/**
 * One AWS-path world per test file: the RDS, Secrets Manager and Kubernetes fakes, the
 * applications' HTTP server, and the real engine (PostgreSQL + BullMQ + worker) running the real
 * step processors over adapters built by providersForDatabase from rewind.yml text, with the
 * real SDK clients pointed at the fakes by endpoint.
 */
export const TARGET = new Date('2025-03-08T10:02:00Z');
export const BEFORE_TARGET = new Date('2025-03-01T08:00:00Z');
export const APPROVER = 'U0APPROVER1';
export const REQUESTER = 'U0REQUEST01';
export const SECRET_PASSWORD = 's3cret-pw-never-stored';

export interface AwsWorld {
  rds: FakeRds;
  sm: FakeSecretsManager;
  kube: FakeKubernetesApi;
  app: AppServer;
  h: Harness;
  options: ProviderOptions;
  providers: Map<string, DatabaseProviders>;
  /** Parses one database entry of rewind.yml and builds its adapters. */
  register(name: string, entry: Record<string, unknown>): { db: DatabaseConfig; providers: DatabaseProviders };
  /** Starts a recovery run of `name` as the Slack command would plan it. */
  start(name: string, target?: RestoreTarget): Promise<Run>;
  /** Approves every gate as it comes until the run ends (or `stopAt` says stop). */
  drive(run: Run, stopAt?: (r: Run) => boolean, timeoutMs?: number): Promise<Run>;
  close(): Promise<void>;
}

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'rewind', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'rewind' }],
    currentContext: 'fake',
  });
  return kc;
}

/** An RDS-style secret pointing at `host`, with a login. */
export function rdsSecret(host: string, username = 'app'): string {
  return JSON.stringify({ engine: 'postgres', host, port: 5432, username, password: SECRET_PASSWORD, dbname: 'orders' });
}

export async function startAwsWorld(o: { pollMs?: number } = {}): Promise<AwsWorld> {
  const [rds, sm, kube, app] = await Promise.all([FakeRds.start(), FakeSecretsManager.start(), FakeKubernetesApi.start(), AppServer.start()]);
  const providers = new Map<string, DatabaseProviders>();
  const configs = new Map<string, DatabaseConfig>();
  const resolver = (database: string): DatabaseProviders => {
    const p = providers.get(database);
    if (!p) throw new Error(`test world has no database ${database}`);
    return p;
  };
  const h = await createHarness({ extra: [...stepProcessors(resolver).values()].filter((p) => p.kind !== 'gate') });
  h.startWorker({ concurrency: 8 });
  const pollMs = o.pollMs ?? 20;
  const options: ProviderOptions = {
    aws: { rdsEndpoint: rds.url, secretsManagerEndpoint: sm.url, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }, maxAttempts: 1 },
    kubeConfig: kubeConfig(kube.url),
    retentionMs: 72 * 3_600_000,
    pollIntervalMs: { rds: pollMs, kubernetes: pollMs },
    validationSslMode: 'disable',
  };
  const world: AwsWorld = {
    rds,
    sm,
    kube,
    app,
    h,
    options,
    providers,
    register(name, entry) {
      const config = parseConfig(stringify({ databases: { [name]: { rto: '30m', rpo: '5m', operators: [REQUESTER], approvers: [APPROVER], ...entry } } }));
      const db = config.databases[name] as DatabaseConfig;
      const built = providersForDatabase(db, options);
      providers.set(name, built);
      configs.set(name, db);
      return { db, providers: built };
    },
    async start(name, target = { kind: 'time', at: TARGET }) {
      const db = configs.get(name);
      if (!db) throw new Error(`register ${name} first`);
      return h.engine.start({ plan: buildRecoveryPlan(planSubject(db.name, resolver(db.name), db.validation.length), target), requestedBy: REQUESTER });
    },
    async drive(run, stopAt, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await h.waitFor(run.id, ['awaiting_approval', 'succeeded', 'failed', 'aborted'], Math.max(1, deadline - Date.now()));
        if (stopAt?.(now) || now.status !== 'awaiting_approval') return now;
        const gate = String(now.steps[now.currentStep]?.params.gate);
        await h.engine.approve({ runId: run.id, gate, planHash: run.planHash, actor: APPROVER });
        // the run has left this gate once the approval committed; wait for the store to show it
        while (Date.now() < deadline) {
          const r = await h.store.getRun(run.id);
          if (!r || r.status !== 'awaiting_approval' || r.currentStep !== now.currentStep) break;
          await new Promise((res) => setTimeout(res, 10));
        }
      }
    },
    async close() {
      await h.close();
      await Promise.all([rds.close(), sm.close(), kube.close(), app.close()]);
    },
  };
  return world;
}
