import { rolloutStatus, type DeploymentLike } from '../../../../src/providers/kubernetes/rollout-status';

function deployment(over: { generation?: number; replicas?: number; status?: NonNullable<DeploymentLike['status']> }): DeploymentLike {
  return {
    metadata: { name: 'api', namespace: 'shop', generation: over.generation ?? 2 },
    spec: { replicas: over.replicas ?? 3 },
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, ...over.status },
  };
}

describe('rolloutStatus (kubectl rollout status for Deployments)', () => {
  it('waits while the controller has not observed the new generation', () => {
    expect(rolloutStatus(deployment({ generation: 3 }))).toEqual({ state: 'waiting', reason: 'Waiting for deployment "api" spec update to be observed...' });
  });

  it('does not report a deadline before the new generation is observed', () => {
    const d = deployment({ generation: 3, status: { conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] } });
    expect(rolloutStatus(d).state).toBe('waiting');
  });

  it('fails when Progressing has reason ProgressDeadlineExceeded, naming the deployment and reason', () => {
    const d = deployment({
      status: { updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-7d9f" has timed out progressing.' }] },
    });
    expect(rolloutStatus(d)).toEqual({
      state: 'failed',
      deployment: 'api',
      conditionReason: 'ProgressDeadlineExceeded',
      reason: 'deployment "api" exceeded its progress deadline (ProgressDeadlineExceeded): ReplicaSet "api-7d9f" has timed out progressing.',
    });
  });

  it('ignores other Progressing reasons and other condition types', () => {
    const d = deployment({ status: { conditions: [{ type: 'Available', reason: 'ProgressDeadlineExceeded' }, { type: 'Progressing', reason: 'ReplicaSetUpdated' }] } });
    expect(rolloutStatus(d).state).toBe('done');
  });

  it('waits while fewer replicas are updated than the spec asks for', () => {
    expect(rolloutStatus(deployment({ status: { updatedReplicas: 1, replicas: 4 } }))).toEqual({
      state: 'waiting',
      reason: 'Waiting for deployment "api" rollout to finish: 1 out of 3 new replicas have been updated...',
    });
  });

  it('skips the updated-vs-spec check when spec.replicas is unset, as kubectl does', () => {
    const d: DeploymentLike = { metadata: { name: 'api', generation: 1 }, spec: {}, status: { observedGeneration: 1, replicas: 0, updatedReplicas: 0, availableReplicas: 0 } };
    expect(rolloutStatus(d).state).toBe('done');
  });

  it('waits while old replicas are pending termination', () => {
    expect(rolloutStatus(deployment({ status: { replicas: 5 } }))).toEqual({
      state: 'waiting',
      reason: 'Waiting for deployment "api" rollout to finish: 2 old replicas are pending termination...',
    });
  });

  it('waits while updated replicas are not all available', () => {
    expect(rolloutStatus(deployment({ status: { availableReplicas: 1 } }))).toEqual({
      state: 'waiting',
      reason: 'Waiting for deployment "api" rollout to finish: 1 of 3 updated replicas are available...',
    });
  });

  it('is done when everything is updated and available', () => {
    expect(rolloutStatus(deployment({}))).toEqual({ state: 'done', message: 'deployment "api" successfully rolled out' });
  });

  it('treats missing status fields as zero', () => {
    expect(rolloutStatus({ metadata: { name: 'new', generation: 1 }, spec: { replicas: 1 } }).state).toBe('waiting');
  });
});
