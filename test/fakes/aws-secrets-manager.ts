import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './aws-query-protocol';

/**
 * An in-memory Secrets Manager speaking JSON 1.1 (`X-Amz-Target: secretsmanager.<Action>`),
 * with versions and staging labels: a new version takes AWSCURRENT and the old current becomes
 * AWSPREVIOUS, as the real service does. Timestamps are epoch seconds on the wire.
 */

interface Version {
  id: string;
  value: string;
  stages: Set<string>;
  created: Date;
}

interface Secret {
  name: string;
  arn: string;
  versions: Map<string, Version>;
  lastChanged: Date;
  lastRotated?: Date;
}

class SmError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;
const epoch = (d: Date | undefined): number | undefined => (d ? d.getTime() / 1000 : undefined);

export class FakeSecretsManager {
  readonly calls: { action: string; body: Body }[] = [];
  private readonly secrets = new Map<string, Secret>();
  private server?: Server;
  url = '';

  static async start(): Promise<FakeSecretsManager> {
    const fake = new FakeSecretsManager();
    fake.server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const action = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
        const body = (raw ? JSON.parse(raw) : {}) as Body;
        fake.calls.push({ action, body });
        let status = 200;
        let out: unknown;
        try {
          if (req.headers['content-type'] !== 'application/x-amz-json-1.1') throw new SmError('InvalidRequestException', 'Bad content type.');
          out = fake.handle(action, body);
        } catch (err) {
          status = 400;
          const e = err instanceof SmError ? err : new SmError('InternalServiceError', String(err));
          if (!(err instanceof SmError)) status = 500;
          out = { __type: e.type, message: e.message };
        }
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addSecret(name: string, value: string, opts: { lastRotated?: Date; lastChanged?: Date } = {}): string {
    const id = randomUUID();
    const created = opts.lastChanged ?? new Date();
    this.secrets.set(name, {
      name,
      arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`,
      versions: new Map([[id, { id, value, stages: new Set(['AWSCURRENT']), created }]]),
      lastChanged: created,
      lastRotated: opts.lastRotated,
    });
    return id;
  }

  /** The value under a staging label (default AWSCURRENT), for assertions. */
  valueAt(name: string, stage = 'AWSCURRENT'): string | undefined {
    return [...(this.secrets.get(name)?.versions.values() ?? [])].find((v) => v.stages.has(stage))?.value;
  }

  stagesOf(name: string): Record<string, string[]> {
    return Object.fromEntries([...(this.secrets.get(name)?.versions.values() ?? [])].map((v) => [v.id, [...v.stages]]));
  }

  private find(id: unknown): Secret {
    const s = [...this.secrets.values()].find((x) => x.name === id || x.arn === id);
    if (!s) throw new SmError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return s;
  }

  private moveStage(s: Secret, stage: string, to: Version): void {
    for (const v of s.versions.values()) {
      if (v !== to && v.stages.delete(stage) && stage === 'AWSCURRENT') {
        for (const w of s.versions.values()) w.stages.delete('AWSPREVIOUS');
        v.stages.add('AWSPREVIOUS');
      }
    }
    to.stages.add(stage);
  }

  private handle(action: string, b: Body): unknown {
    const s = this.find(b.SecretId);
    switch (action) {
      case 'GetSecretValue': {
        const v = b.VersionId
          ? s.versions.get(String(b.VersionId))
          : [...s.versions.values()].find((x) => x.stages.has(String(b.VersionStage ?? 'AWSCURRENT')));
        if (!v) throw new SmError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
        return { ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.value, VersionStages: [...v.stages], CreatedDate: epoch(v.created) };
      }
      case 'DescribeSecret':
        return {
          ARN: s.arn,
          Name: s.name,
          LastChangedDate: epoch(s.lastChanged),
          LastRotatedDate: epoch(s.lastRotated),
          VersionIdsToStages: this.stagesOf(s.name),
        };
      case 'PutSecretValue': {
        const token = String(b.ClientRequestToken ?? randomUUID());
        const value = String(b.SecretString ?? '');
        const existing = s.versions.get(token);
        if (existing) {
          if (existing.value !== value) throw new SmError('ResourceExistsException', 'You can’t modify an existing version, you can only create a new version.');
          return { ARN: s.arn, Name: s.name, VersionId: token, VersionStages: [...existing.stages] };
        }
        const v: Version = { id: token, value, stages: new Set(), created: new Date() };
        s.versions.set(token, v);
        for (const stage of (b.VersionStages as string[] | undefined) ?? ['AWSCURRENT']) this.moveStage(s, stage, v);
        s.lastChanged = new Date();
        return { ARN: s.arn, Name: s.name, VersionId: token, VersionStages: [...v.stages] };
      }
      case 'UpdateSecretVersionStage': {
        const stage = String(b.VersionStage);
        const from = b.RemoveFromVersionId ? s.versions.get(String(b.RemoveFromVersionId)) : undefined;
        const current = [...s.versions.values()].find((v) => v.stages.has(stage));
        if (current && current !== from && b.MoveToVersionId) {
          throw new SmError('InvalidParameterException', `The parameter RemoveFromVersionId must be specified when ${stage} is attached to another version.`);
        }
        const to = b.MoveToVersionId ? s.versions.get(String(b.MoveToVersionId)) : undefined;
        if (b.MoveToVersionId && !to) throw new SmError('ResourceNotFoundException', 'Version not found.');
        if (to) this.moveStage(s, stage, to);
        else from?.stages.delete(stage);
        s.lastChanged = new Date();
        return { ARN: s.arn, Name: s.name };
      }
      default:
        throw new SmError('InvalidAction', `Unknown operation ${action}.`);
    }
  }
}
