/**
 * Rollout status of a Deployment, computed as `kubectl rollout status` does
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer).
 * Pure: the caller fetches the Deployment and decides when to ask again.
 */

/** The fields of an apps/v1 Deployment this needs; a V1Deployment satisfies it. */
export interface DeploymentLike {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { replicas?: number; paused?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status?: string; reason?: string; message?: string }[];
  };
}

export type RolloutStatus =
  | { state: 'waiting'; reason: string }
  | { state: 'done'; message: string }
  | { state: 'failed'; reason: string; deployment: string; conditionReason: string };

/** Reason kubectl and the deployment controller use for a rollout that stopped progressing. */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

export function rolloutStatus(d: DeploymentLike): RolloutStatus {
  const name = d.metadata?.name ?? '(unnamed)';
  const generation = d.metadata?.generation ?? 0;
  const observed = d.status?.observedGeneration ?? 0;
  if (generation > observed) {
    return { state: 'waiting', reason: `Waiting for deployment "${name}" spec update to be observed...` };
  }
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    const detail = progressing.message ? `: ${progressing.message}` : '';
    return {
      state: 'failed',
      deployment: name,
      conditionReason: PROGRESS_DEADLINE_EXCEEDED,
      reason: `deployment "${name}" exceeded its progress deadline (${PROGRESS_DEADLINE_EXCEEDED})${detail}`,
    };
  }
  const updated = d.status?.updatedReplicas ?? 0;
  const replicas = d.status?.replicas ?? 0;
  const available = d.status?.availableReplicas ?? 0;
  const wanted = d.spec?.replicas;
  if (wanted !== undefined && updated < wanted) {
    return { state: 'waiting', reason: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...` };
  }
  if (replicas > updated) {
    return { state: 'waiting', reason: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { state: 'waiting', reason: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}
