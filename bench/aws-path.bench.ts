import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import { stepProcessors } from '../jobs';
import { parseConfig } from '../src/config/load';
import { buildEngine, startWorker } from '../src/main/engine-factory';
import { providersForDatabase } from '../src/main/providers-from-config';
import { migrate } from '../src/persistence/migrate';
import type { DatabaseProviders } from '../src/providers/ports';
import { createRedis } from '../src/queue/redis-connection';
import { buildRecoveryPlan, planSubject } from '../src/recovery/plans';
import { RetentionService } from '../src/recovery/retention-service';
import type { Run } from '../src/recovery/run';
import { resolvePolicy } from '../src/recovery/step-policy';
import { registry, type StepProcessor } from '../src/recovery/step-processor';
import { FakeRds } from '../test/fakes/aws-rds';
import { FakeSecretsManager } from '../test/fakes/aws-secrets-manager';
import { FakeKubernetesApi } from '../test/fakes/kubernetes-api';
import { AppServer } from '../test/integration/aws-path/app-server';
import { createTestDatabase } from '../test/support/database';
import { TEST_REDIS_URL } from '../test/support/env';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const RUNS = 8;
/** The poll hint given to the adapters: the fakes' "provisioning time" is this many ms per status they show. */
const POLL_MS = 100;
const TARGET = new Date('2025-03-08T10:02:00Z');

/** Wall time the engine deliberately waited (polls and backoffs) and time spent inside processors, per run. */
interface Accounting {
  waitMs: Map<string, number>;
  processorMs: Map<string, number>;
  /** When each waiting step was due again, and how late its next execution started. */
  due: Map<string, number>;
  lateness: number[];
}

function accounted(p: StepProcessor, acc: Accounting): StepProcessor {
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  return {
    ...p,
    async run(ctx) {
      const t = performance.now();
      const key = `${ctx.run.id}:${ctx.step.idx}`;
      const due = acc.due.get(key);
      if (due !== undefined) acc.lateness.push(t - due);
      acc.due.delete(key);
      try {
        const out = await p.run(ctx);
        if (out.type === 'wait') {
          const delay = out.retryAfterMs ?? resolvePolicy(p.policy).pollMs;
          add(acc.waitMs, ctx.run.id, delay);
          acc.due.set(key, performance.now() + delay);
        }
        return out;
      } finally {
        add(acc.processorMs, ctx.run.id, performance.now() - t);
      }
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function sourceSetup(rds: FakeRds): void {
  const window = { earliest: new Date('2025-03-01T00:00:00Z'), latest: new Date('2025-03-08T11:55:00Z') };
  rds.addInstance(
    'orders',
    { Engine: 'postgres', DBName: 'orders', DBInstanceClass: 'db.r6g.large', BackupRetentionPeriod: 7, LatestRestorableTime: window.latest, DBSubnetGroup: { DBSubnetGroupName: 'private' }, Endpoint: { Address: 'orders.rds', Port: 5432 } },
    { earliestRestorableTime: window.earliest },
  );
  rds.addCluster('shop', { Engine: 'aurora-postgresql', DatabaseName: 'shop', EarliestRestorableTime: window.earliest, LatestRestorableTime: window.latest });
  rds.addInstance('shop-writer', { DBClusterIdentifier: 'shop', DBInstanceClass: 'db.r6g.large' });
}

function forgetReplacement(rds: FakeRds, database: string): void {
  const fields = database === 'orders' ? rds.instanceFields('orders') : rds.clusterFields('shop');
  if (fields) fields.TagList = ((fields.TagList ?? []) as { Key: string }[]).filter((t) => !t.Key.startsWith('rewind-retain'));
}

/**
 * A full AWS-path run (window check, restore, wait, cutover of a secret and a 2-deployment rolling
 * restart, HTTP health check, retention tag) against the fakes, approvals given at once. The fakes
 * advance one status per describe, so their "provisioning time" is exactly the waits the engine
 * was told to make; orchestration overhead is end to end minus those waits and the gate idle time.
 */
export async function awsPathBench(): Promise<void> {
  const [rds, sm, kube, app] = await Promise.all([FakeRds.start(), FakeSecretsManager.start(), FakeKubernetesApi.start(), AppServer.start()]);
  sourceSetup(rds);
  sm.addSecret('prod/orders', JSON.stringify({ engine: 'postgres', host: 'orders.rds', port: 5432, username: 'app', password: 'pw', dbname: 'orders' }), { lastChanged: new Date('2025-03-01T00:00:00Z') });
  for (const d of ['api', 'worker']) kube.addDeployment('shop', d, { replicas: 2 });
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'f', server: kube.url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'f', cluster: 'f', user: 'u' }], currentContext: 'f' });
  const common = {
    rto: '30m',
    rpo: '5m',
    operators: ['U0BENCH0001'],
    cutover: [
      { type: 'secrets-manager', secretId: 'prod/orders', region: 'eu-west-1' },
      { type: 'kubernetes-restart', namespace: 'shop', deployments: ['api', 'worker'] },
    ],
    healthChecks: [{ type: 'http', name: 'app', url: `${app.url}/health`, retries: 0 }],
  };
  const config = parseConfig(
    stringify({
      databases: {
        orders: { provider: 'rds-instance', source: { instanceId: 'orders', region: 'eu-west-1' }, ...common },
        shop: { provider: 'aurora-cluster', source: { clusterId: 'shop', instanceClass: 'db.r6g.large', region: 'eu-west-1' }, ...common },
      },
    }),
  );
  const options = {
    aws: { rdsEndpoint: rds.url, secretsManagerEndpoint: sm.url, credentials: { accessKeyId: 'A', secretAccessKey: 'B' }, maxAttempts: 1 },
    kubeConfig: kc,
    pollIntervalMs: { rds: POLL_MS, kubernetes: POLL_MS },
  };
  const built = new Map<string, DatabaseProviders>(Object.values(config.databases).map((db) => [db.name, providersForDatabase(db, options)]));
  const resolver = (name: string): DatabaseProviders => built.get(name) as DatabaseProviders;
  const acc: Accounting = { waitMs: new Map(), processorMs: new Map(), due: new Map(), lateness: [] };

  const db = await createTestDatabase('bench_aws');
  const pool = new Pool({ connectionString: db.url, max: 10 });
  await migrate(pool);
  const prefix = `rwbench-aws-${randomBytes(3).toString('hex')}`;
  const redis = createRedis(TEST_REDIS_URL);
  const engine = buildEngine({ pool, redis, prefix, processors: registry(...[...stepProcessors(resolver).values()].map((p) => accounted(p, acc))), logger: quiet });
  const worker = startWorker(engine, createRedis(TEST_REDIS_URL), prefix, { logger: quiet, concurrency: 8 });

  const drive = async (run: Run): Promise<Run> => {
    for (;;) {
      const r = (await engine.store.getRun(run.id)) as Run;
      if (r.status === 'succeeded' || r.status === 'failed' || r.status === 'aborted') return r;
      if (r.status === 'awaiting_approval') await engine.engine.approve({ runId: r.id, gate: String(r.steps[r.currentStep]?.params.gate), planHash: r.planHash, actor: 'U0BENCH0002' });
      await new Promise((res) => setTimeout(res, 2));
    }
  };

  for (const database of ['orders', 'shop']) {
    const rows: { e2e: number; waits: number; gates: number; inProcessors: number }[] = [];
    acc.lateness.length = 0;
    const before = { rds: rds.server.calls.length, sm: sm.calls.length, kube: kube.calls.length, app: app.requests.length };
    const beforeActions = new Map<string, number>();
    for (const c of rds.server.calls) beforeActions.set(c.action, (beforeActions.get(c.action) ?? 0) + 1);
    for (let i = 0; i < RUNS; i++) {
      const dbc = config.databases[database];
      if (!dbc) throw new Error(database);
      const run = await engine.engine.start({ plan: buildRecoveryPlan(planSubject(dbc.name, resolver(dbc.name), dbc.validation.length), { kind: 'time', at: TARGET }), requestedBy: 'U0BENCH0001' });
      const done = await drive(run);
      if (done.status !== 'succeeded') throw new Error(`bench run ${done.id} ${done.status}: ${done.error?.message}`);
      const e2e = (done.finishedAt as Date).getTime() - done.createdAt.getTime();
      const gates = done.steps
        .filter((s) => s.kind === 'gate')
        .reduce((sum, s) => sum + ((done.approvals.find((a) => a.stepIdx === s.idx)?.decidedAt.getTime() ?? 0) - (s.startedAt?.getTime() ?? 0)), 0);
      rows.push({ e2e, waits: acc.waitMs.get(run.id) ?? 0, gates, inProcessors: acc.processorMs.get(run.id) ?? 0 });
      // The next run restores the same source again: as if this cutover had been undone by hand
      // (otherwise the source is refused as replaced, which is right in production).
      if (i < RUNS - 1) forgetReplacement(rds, database);
    }
    const overhead = rows.map((r) => r.e2e - r.waits - r.gates);
    const engineOnly = rows.map((r, i) => (overhead[i] ?? 0) - r.inProcessors);
    console.log(`${database} (${database === 'orders' ? 'rds-instance' : 'aurora-cluster'}), ${RUNS} sequential runs, poll hint ${POLL_MS} ms:`);
    console.log(`  end to end ${(median(rows.map((r) => r.e2e)) / 1000).toFixed(2)} s median, of which simulated provisioning/rollout waits ${(median(rows.map((r) => r.waits)) / 1000).toFixed(2)} s and gate idle ${median(rows.map((r) => r.gates)).toFixed(0)} ms`);
    console.log(`  orchestration overhead (end to end − waits − gate idle) median ${median(overhead).toFixed(0)} ms, max ${Math.max(...overhead).toFixed(0)} ms`);
    console.log(`    of which inside step processors (SDK + HTTP to the fakes) ${median(rows.map((r) => r.inProcessors)).toFixed(0)} ms, engine (store, queue, claims) ${median(engineOnly).toFixed(0)} ms`);
    console.log(`    a poll's delayed job starts late by median ${median(acc.lateness).toFixed(0)} ms, max ${Math.max(...acc.lateness).toFixed(0)} ms (${(acc.lateness.length / RUNS).toFixed(1)} polls per run)`);
    const perRun = (n: number) => (n / RUNS).toFixed(1);
    const actions = new Map<string, number>();
    for (const c of rds.server.calls) actions.set(c.action, (actions.get(c.action) ?? 0) + 1);
    const rdsBreakdown = [...actions].map(([a, n]) => [a, n - (beforeActions.get(a) ?? 0)] as const).filter(([, n]) => n > 0).map(([a, n]) => `${a} ${perRun(n)}`).join(', ');
    console.log(`  API calls per run: RDS ${perRun(rds.server.calls.length - before.rds)} (${rdsBreakdown}); Secrets Manager ${perRun(sm.calls.length - before.sm)}; Kubernetes ${perRun(kube.calls.length - before.kube)}; health ${perRun(app.requests.length - before.app)}`);
  }
  console.log('  polling cost in production: one DescribeDBInstances per 30 s poll (Aurora: DescribeDBClusters + DescribeDBInstances once the cluster is up) = 120 (240) calls per hour of restore; one GET per deployment per 5 s rollout poll');

  // The retention check (every 15 min): one listing per database, whatever the runs left behind.
  const retention = new RetentionService({ databases: Object.keys(config.databases), providers: resolver, audit: async () => undefined });
  const checkMs: number[] = [];
  const beforeCheck = rds.server.calls.length;
  const CHECKS = 20;
  let due = 0;
  for (let i = 0; i < CHECKS; i++) {
    const t = performance.now();
    due = (await retention.dueNow()).due.length;
    checkMs.push(performance.now() - t);
  }
  const perCheck = (rds.server.calls.length - beforeCheck) / CHECKS;
  console.log(
    `retention check over ${Object.keys(config.databases).length} databases (${due} due now): ${perCheck.toFixed(1)} RDS calls and ${median(checkMs).toFixed(1)} ms median per check = ${(perCheck * 96).toFixed(0)} calls a day at one check per 15 min`,
  );

  await worker.close();
  await engine.scheduler.close();
  redis.disconnect();
  await pool.end();
  await db.drop();
  await Promise.all([rds.close(), sm.close(), kube.close(), app.close()]);
}
