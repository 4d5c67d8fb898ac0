import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import type { Cutover, CutoverPoll, CutoverRecord, Endpoint } from '../ports';
import { RewindError } from '../../recovery/errors';
import { kubeError } from './kube-errors';
import { rolloutStatus } from './rollout-status';

export const ROLLOUT_RESTART_CUTOVER = 'kubernetes-rollout-restart';
/** What `kubectl rollout restart` sets; changing it makes the controller replace every pod. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
/** Rewind's mark of which apply() made the restart, so a repeated apply does not restart twice. */
export const RESTART_KEY_ANNOTATION = 'rewind.dev/restart-key';

export interface DeploymentRef {
  namespace: string;
  name: string;
}

export interface KubernetesRolloutRestartOptions {
  /** Defaults to `KubeConfig.loadFromDefault()` (in-cluster service account or KUBECONFIG). */
  kubeConfig?: KubeConfig;
  deployments: DeploymentRef[];
  /** Hint for the engine between rollout polls (default 5 s). */
  pollIntervalMs?: number;
  now?: () => Date;
}

export interface RolloutRestartRecord extends CutoverRecord {
  kind: typeof ROLLOUT_RESTART_CUTOVER;
  deployments: DeploymentRef[];
  restartKey: string;
  restartedAt: string;
}

export type RolloutPoll = CutoverPoll;

const label = (d: DeploymentRef): string => `${d.namespace}/${d.name}`;

/** RFC 3339 without fractional seconds, as kubectl writes it. */
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Rolling restart of Deployments so that apps which read the database secret only at start pick
 * up the new one. apply() patches and returns at once; the engine calls poll(record) until the
 * rollouts are done or failed. rollback() restarts again, for after the secret was put back.
 */
export class KubernetesRolloutRestart implements Cutover {
  /** Its rollback is a second restart, after the secret it re-reads has been put back. */
  readonly reloadsConsumers = true;
  private readonly apps: AppsV1Api;
  private readonly now: () => Date;

  constructor(private readonly opts: KubernetesRolloutRestartOptions) {
    const kc = opts.kubeConfig ?? defaultKubeConfig();
    this.apps = kc.makeApiClient(AppsV1Api);
    this.now = opts.now ?? (() => new Date());
  }

  async plan(_endpoint: Endpoint): Promise<string> {
    const lines = ['Rolling restart (pods re-read the database secret):'];
    for (const ref of this.opts.deployments) {
      const d = await this.read(ref);
      const replicas = d.spec?.replicas ?? 1;
      lines.push(`• deployment ${label(ref)} (${replicas} replica${replicas === 1 ? '' : 's'})${d.spec?.paused ? ' — PAUSED: cannot be restarted' : ''}`);
    }
    return lines.join('\n');
  }

  async apply(_endpoint: Endpoint, idempotencyKey: string): Promise<RolloutRestartRecord> {
    return this.restart(idempotencyKey);
  }

  /** The restart cannot be undone; restarting again makes pods read the restored secret. */
  async rollback(record: CutoverRecord): Promise<void> {
    const r = asRecord(record);
    await this.restart(`${r.restartKey}:rollback`, r.deployments);
  }

  /** One look at every restarted deployment; never blocks. */
  async poll(record: CutoverRecord): Promise<RolloutPoll> {
    const r = asRecord(record);
    const waiting: string[] = [];
    for (const ref of r.deployments) {
      const status = rolloutStatus(await this.read(ref));
      if (status.state === 'failed') {
        return { state: 'failed', reason: `Rollout of ${label(ref)} failed: ${status.reason}. Check its pods (kubectl -n ${ref.namespace} describe deployment ${ref.name}).` };
      }
      if (status.state === 'waiting') waiting.push(status.reason);
    }
    if (waiting.length > 0) return { state: 'pending', detail: waiting.join('\n'), retryAfterMs: this.opts.pollIntervalMs ?? 5_000 };
    return { state: 'done', detail: `${r.deployments.map(label).join(', ')} rolled out` };
  }

  private async restart(restartKey: string, deployments = this.opts.deployments): Promise<RolloutRestartRecord> {
    // All are checked before any is patched, so a paused one leaves the others untouched.
    const current = [];
    for (const ref of deployments) {
      const d = await this.read(ref);
      if (d.spec?.paused) {
        throw new RewindError({
          code: 'DEPLOYMENT_PAUSED',
          userMessage: `Deployment ${label(ref)} is paused, so it cannot be restarted. Resume it (kubectl -n ${ref.namespace} rollout resume deployment/${ref.name}) and try again.`,
        });
      }
      current.push({ ref, done: d.spec?.template?.metadata?.annotations?.[RESTART_KEY_ANNOTATION] === restartKey });
    }
    const restartedAt = rfc3339(this.now());
    for (const { ref, done } of current) {
      if (done) continue;
      const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt, [RESTART_KEY_ANNOTATION]: restartKey } } } } };
      try {
        await this.apps.patchNamespacedDeployment(
          { name: ref.name, namespace: ref.namespace, body },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        );
      } catch (err) {
        throw kubeError(err, `restart deployment ${label(ref)}`);
      }
    }
    return { kind: ROLLOUT_RESTART_CUTOVER, deployments: deployments.map((d) => ({ ...d })), restartKey, restartedAt };
  }

  private async read(ref: DeploymentRef): Promise<V1Deployment> {
    try {
      return await this.apps.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
    } catch (err) {
      throw kubeError(err, `read deployment ${label(ref)}`);
    }
  }
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function asRecord(record: CutoverRecord): RolloutRestartRecord {
  const r = record as Partial<RolloutRestartRecord>;
  if (r.kind !== ROLLOUT_RESTART_CUTOVER || !Array.isArray(r.deployments) || typeof r.restartKey !== 'string') {
    throw new RewindError({ code: 'BAD_CUTOVER_RECORD', userMessage: `Internal error: a ${String(record.kind)} record was given to the Kubernetes rollout restart.` });
  }
  return r as RolloutRestartRecord;
}
