import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './aws-query-protocol';

/**
 * A Kubernetes API server for apps/v1 Deployments (get and strategic-merge patch) over plain
 * HTTP. A patch that changes the pod template bumps metadata.generation and starts a scripted
 * rollout that advances one phase per GET: 'healthy' ends rolled out, 'deadline' ends with the
 * Progressing condition at ProgressDeadlineExceeded, 'stuck' never finishes.
 */

export type RolloutScript = 'healthy' | 'deadline' | 'stuck';

interface FakeDeployment {
  object: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  script: RolloutScript;
  phase: number;
}

export interface KubeCall {
  method: string;
  path: string;
  contentType?: string;
}

const PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/?]+)(?:\?.*)?$/;

function merge(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    const cur = target[k];
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof cur === 'object' && cur !== null && !Array.isArray(cur)) {
      merge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else target[k] = v;
  }
}

export class FakeKubernetesApi {
  readonly calls: KubeCall[] = [];
  private readonly deployments = new Map<string, FakeDeployment>();
  private server?: Server;
  url = '';

  static async start(): Promise<FakeKubernetesApi> {
    const fake = new FakeKubernetesApi();
    fake.server = createServer((req, res) => {
      void readBody(req).then((body) => fake.handle(req.method ?? 'GET', req.url ?? '/', req.headers['content-type'], body, res));
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addDeployment(namespace: string, name: string, opts: { replicas?: number; paused?: boolean; script?: RolloutScript } = {}): void {
    const replicas = opts.replicas ?? 2;
    this.deployments.set(`${namespace}/${name}`, {
      script: opts.script ?? 'healthy',
      phase: 99,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, generation: 1, uid: `uid-${name}` },
        spec: { replicas, paused: opts.paused ?? false, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'app:1' }] } } },
        status: {
          observedGeneration: 1,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
        },
      },
    });
  }

  deployment(namespace: string, name: string): Record<string, any> | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.deployments.get(`${namespace}/${name}`)?.object;
  }

  private handle(method: string, path: string, contentType: string | undefined, body: string, res: ServerResponse): void {
    this.calls.push({ method, path, contentType });
    const m = PATH.exec(path);
    const d = m ? this.deployments.get(`${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`) : undefined;
    if (!m || !d) return this.status(res, 404, 'NotFound', `deployments.apps "${m?.[2] ?? path}" not found`);
    if (method === 'GET') {
      this.advance(d);
      return this.json(res, 200, d.object);
    }
    if (method === 'PATCH') {
      if (contentType !== 'application/strategic-merge-patch+json') {
        return this.status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType ?? 'none'})`);
      }
      const patch = JSON.parse(body) as Record<string, unknown>;
      const before = JSON.stringify(d.object.spec);
      merge(d.object, patch);
      if (JSON.stringify(d.object.spec) !== before) {
        d.object.metadata.generation += 1;
        if (!d.object.spec.paused) d.phase = 0;
      }
      return this.json(res, 200, d.object);
    }
    return this.status(res, 405, 'MethodNotAllowed', `${method} is not supported`);
  }

  /** One step of the scripted rollout after a template change. */
  private advance(d: FakeDeployment): void {
    const o = d.object;
    const n: number = o.spec.replicas;
    const st = o.status;
    const phase = d.phase;
    if (phase > 4) return;
    d.phase++;
    if (phase === 0) return; // generation not yet observed
    st.observedGeneration = o.metadata.generation;
    if (phase === 1 || d.script === 'stuck') {
      Object.assign(st, { replicas: n + 1, updatedReplicas: 1, availableReplicas: n });
      st.conditions = [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }];
      return;
    }
    if (d.script === 'deadline') {
      st.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${String(o.metadata.name)}-7d9f" has timed out progressing.` }];
      d.phase = 99;
      return;
    }
    if (phase === 2) Object.assign(st, { replicas: n + 1, updatedReplicas: n, availableReplicas: n });
    if (phase === 3) Object.assign(st, { replicas: n, updatedReplicas: n, availableReplicas: n - 1 });
    if (phase === 4) {
      Object.assign(st, { replicas: n, updatedReplicas: n, availableReplicas: n, readyReplicas: n });
      st.conditions = [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }];
    }
  }

  private json(res: ServerResponse, code: number, obj: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }
}
