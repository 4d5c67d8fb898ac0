import { KubeConfig } from '@kubernetes/client-node';
import { FakeKubernetesApi } from '../../../fakes/kubernetes-api';
import {
  KubernetesRolloutRestart,
  RESTARTED_AT_ANNOTATION,
  type RolloutPoll,
  type RolloutRestartRecord,
} from '../../../../src/providers/kubernetes/rollout-restart-cutover';

const ENDPOINT = { host: 'orders-dr-42.fake-rds.local', port: 5432 };
const NOW = new Date('2025-03-08T12:34:56.789Z');

let fake: FakeKubernetesApi;

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

function restarter(deployments: { namespace: string; name: string }[]): KubernetesRolloutRestart {
  return new KubernetesRolloutRestart({ kubeConfig: kubeConfig(fake.url), deployments, pollIntervalMs: 10, now: () => NOW });
}

async function pollToEnd(r: KubernetesRolloutRestart, record: RolloutRestartRecord): Promise<RolloutPoll[]> {
  const seen: RolloutPoll[] = [];
  for (let i = 0; i < 12; i++) {
    const p = await r.poll(record);
    seen.push(p);
    if (p.state !== 'pending') break;
  }
  return seen;
}

beforeEach(async () => {
  fake = await FakeKubernetesApi.start();
});
afterEach(() => fake.close());

describe('KubernetesRolloutRestart', () => {
  it('patches the restart annotation as a strategic merge patch and polls the rollout to done', async () => {
    fake.addDeployment('shop', 'api', { replicas: 3 });
    const r = restarter([{ namespace: 'shop', name: 'api' }]);
    expect(await r.plan(ENDPOINT)).toContain('deployment shop/api (3 replicas)');

    const record = await r.apply(ENDPOINT, 'run-42:restart');
    expect(record).toMatchObject({ kind: 'kubernetes-rollout-restart', restartedAt: '2025-03-08T12:34:56Z', restartKey: 'run-42:restart' });
    const patch = fake.calls.find((c) => c.method === 'PATCH');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(fake.deployment('shop', 'api')?.spec.template.metadata.annotations[RESTARTED_AT_ANNOTATION]).toBe('2025-03-08T12:34:56Z');

    const polls = await pollToEnd(r, record);
    expect(polls.at(-1)).toEqual({ state: 'done', detail: 'shop/api rolled out' });
    expect(polls.filter((p) => p.state === 'pending').map((p) => (p.state === 'pending' ? p.detail : ''))).toEqual([
      'Waiting for deployment "api" spec update to be observed...',
      'Waiting for deployment "api" rollout to finish: 1 out of 3 new replicas have been updated...',
      'Waiting for deployment "api" rollout to finish: 1 old replicas are pending termination...',
      'Waiting for deployment "api" rollout to finish: 2 of 3 updated replicas are available...',
    ]);

    // The same idempotency key does not restart again.
    await r.apply(ENDPOINT, 'run-42:restart');
    expect(fake.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('fails with the deployment name and reason on ProgressDeadlineExceeded', async () => {
    fake.addDeployment('shop', 'worker', { script: 'deadline' });
    const r = restarter([{ namespace: 'shop', name: 'worker' }]);
    const record = await r.apply(ENDPOINT, 'run-43:restart');
    const last = (await pollToEnd(r, record)).at(-1);
    expect(last?.state).toBe('failed');
    const reason = last?.state === 'failed' ? last.reason : '';
    expect(reason).toContain('shop/worker');
    expect(reason).toContain('ProgressDeadlineExceeded');
    expect(reason).toContain('ReplicaSet "worker-7d9f" has timed out progressing.');
  });

  it('refuses a paused deployment clearly and patches none of the listed deployments', async () => {
    fake.addDeployment('shop', 'api');
    fake.addDeployment('shop', 'billing', { paused: true });
    const r = restarter([
      { namespace: 'shop', name: 'api' },
      { namespace: 'shop', name: 'billing' },
    ]);
    expect(await r.plan(ENDPOINT)).toContain('shop/billing (2 replicas) — PAUSED');
    await expect(r.apply(ENDPOINT, 'k')).rejects.toMatchObject({
      code: 'DEPLOYMENT_PAUSED',
      userMessage: expect.stringContaining('rollout resume deployment/billing'),
    });
    expect(fake.calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);
  });

  it('explains a missing deployment', async () => {
    const r = restarter([{ namespace: 'shop', name: 'ghost' }]);
    await expect(r.apply(ENDPOINT, 'k')).rejects.toMatchObject({ code: 'KUBE_NOT_FOUND', retryable: false });
  });

  it('rollback restarts again under its own key', async () => {
    fake.addDeployment('shop', 'api');
    const r = restarter([{ namespace: 'shop', name: 'api' }]);
    const record = await r.apply(ENDPOINT, 'run-44:restart');
    await r.rollback(record);
    await r.rollback(record);
    expect(fake.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2);
    expect(fake.deployment('shop', 'api')?.spec.template.metadata.annotations['rewind.dev/restart-key']).toBe('run-44:restart:rollback');
  });
});
