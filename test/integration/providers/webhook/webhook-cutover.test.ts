import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../../../src/config/load';
import { providersForDatabase } from '../../../../src/main/providers-from-config';
import { WebhookCutover } from '../../../../src/providers/webhook/webhook-cutover';
import { RewindError } from '../../../../src/recovery/errors';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const TOKEN = 's3cr3t-webhook-token';
const PASSWORD = 'db-pass-word';
const ENDPOINT = { host: 'orders-dr-42.fake-rds.local', port: 5432, database: 'orders', url: `postgres://app:${PASSWORD}@orders-dr-42.fake-rds.local:5432/orders` };

let server: Server;
let base: string;
let received: Received[];
let reply: { status: number; body: string };

beforeEach(async () => {
  received = [];
  reply = { status: 200, body: '{"ok":true}' };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cutover(env: Record<string, string | undefined> = { REGISTRY_TOKEN: TOKEN }): WebhookCutover {
  return new WebhookCutover({
    name: 'service registry',
    request: {
      url: `${base}/databases/{{database}}`,
      method: 'PUT',
      headers: { Authorization: 'env:REGISTRY_TOKEN', 'Content-Type': 'application/json' },
      body: '{"host":"{{host}}","port":{{port}},"db":"{{database}}","dsn":"{{url}}"}',
    },
    rollbackRequest: { url: `${base}/databases/{{database}}/rollback`, body: '{"host":"{{host}}"}' },
    env,
  });
}

describe('WebhookCutover', () => {
  it('sends the templated request with env-sourced headers and an idempotency key', async () => {
    expect(await cutover().plan(ENDPOINT)).toBe(`service registry: PUT ${base}/databases/orders announcing orders-dr-42.fake-rds.local:5432/orders`);
    const record = await cutover().apply(ENDPOINT, 'run-42:cutover');
    expect(record).toEqual({ kind: 'webhook', status: 200, endpoint: { host: ENDPOINT.host, port: 5432, database: 'orders' }, idempotencyKey: 'run-42:cutover' });
    const req = received[0];
    expect(req).toMatchObject({ method: 'PUT', url: '/databases/orders' });
    expect(req?.headers.authorization).toBe(TOKEN);
    expect(req?.headers['idempotency-key']).toBe('run-42:cutover');
    expect(JSON.parse(req?.body ?? '')).toEqual({ host: ENDPOINT.host, port: 5432, db: 'orders', dsn: ENDPOINT.url });

    await cutover().rollback(record);
    expect(received[1]).toMatchObject({ method: 'POST', url: '/databases/orders/rollback', body: `{"host":"${ENDPOINT.host}"}` });
    expect(received[1]?.headers['idempotency-key']).toBe('run-42:cutover:rollback');
  });

  it('fails on HTTP 500 with the status and a truncated, secret-scrubbed body', async () => {
    reply = { status: 500, body: `upstream exploded; token=${TOKEN}; dsn=${ENDPOINT.url}; ${'x'.repeat(1000)}` };
    const err = await cutover().apply(ENDPOINT, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RewindError);
    const e = err as RewindError;
    expect(e).toMatchObject({ code: 'WEBHOOK_FAILED', retryable: true, detail: { status: 500 } });
    expect(e.userMessage).toContain(`The service registry cutover call (PUT ${base}/databases/orders) failed with HTTP 500: upstream exploded`);
    expect(e.userMessage).not.toContain(TOKEN);
    expect(e.userMessage).not.toContain(PASSWORD);
    expect(e.userMessage).toContain('(truncated)');
    expect(e.userMessage.length).toBeLessThan(600);
  });

  it('treats a 4xx as not retryable', async () => {
    reply = { status: 409, body: 'conflict' };
    await expect(cutover().apply(ENDPOINT, 'k')).rejects.toMatchObject({ code: 'WEBHOOK_FAILED', retryable: false });
  });

  it('names a missing environment variable, before and during apply, and sends nothing', async () => {
    const c = cutover({});
    await expect(c.plan(ENDPOINT)).rejects.toMatchObject({ code: 'ENV_VAR_MISSING', detail: { variable: 'REGISTRY_TOKEN' } });
    const err = (await c.apply(ENDPOINT, 'k').catch((e: unknown) => e)) as RewindError;
    expect(err.userMessage).toContain("The service registry header 'Authorization' takes its value from the environment variable REGISTRY_TOKEN, which is not set");
    expect(received).toHaveLength(0);
  });

  it('rejects unknown placeholders at construction and reports an unreachable receiver as retryable', async () => {
    expect(() => new WebhookCutover({ request: { url: `${base}/{{hostname}}` } })).toThrow(/\{\{hostname\}\}/);
    const dead = new WebhookCutover({ request: { url: 'http://127.0.0.1:1/hook' }, timeoutMs: 2000 });
    await expect(dead.apply(ENDPOINT, 'k')).rejects.toMatchObject({ code: 'HTTP_UNREACHABLE', retryable: true });
  });

  it('rolls back with the rollback request configured in rewind.yml', async () => {
    const config = parseConfig(`
databases:
  orders:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [U0123456789]
    source: { instanceId: orders, region: eu-west-1 }
    cutover:
      - type: webhook
        name: pooler
        url: ${base}/pool/{{database}}
        body: '{"host":"{{host}}"}'
        rollback:
          url: ${base}/pool/{{database}}/previous
          method: PUT
          body: '{"no-longer":"{{host}}:{{port}}"}'
`);
    const db = config.databases.orders;
    if (!db) throw new Error('test bug: no orders database');
    const [step] = providersForDatabase(db, { aws: { rdsEndpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } } }).cutovers;
    if (!step) throw new Error('test bug: no cutover built');
    const record = await step.cutover.apply(ENDPOINT, 'r-42:cutover');
    await step.cutover.rollback(record);
    expect(received.map((r) => [r.method, r.url, r.body, r.headers['idempotency-key']])).toEqual([
      ['POST', '/pool/orders', `{"host":"${ENDPOINT.host}"}`, 'r-42:cutover'],
      ['PUT', '/pool/orders/previous', `{"no-longer":"${ENDPOINT.host}:5432"}`, 'r-42:cutover:rollback'],
    ]);
  });

  it('refuses a rollback when none is configured', async () => {
    const c = new WebhookCutover({ request: { url: `${base}/hook` } });
    const record = await c.apply(ENDPOINT, 'k');
    await expect(c.rollback(record)).rejects.toMatchObject({ code: 'WEBHOOK_NO_ROLLBACK' });
  });
});
