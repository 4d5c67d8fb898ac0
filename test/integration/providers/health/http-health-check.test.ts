import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpHealthCheck } from '../../../../src/providers/health/http-health-check';

let server: Server;
let base: string;
let hits = 0;
let script: { status: number; body: string; delayMs?: number }[] = [];
const timers = new Set<NodeJS.Timeout>();

beforeEach(async () => {
  hits = 0;
  script = [];
  server = createServer((_req, res) => {
    const step = script[Math.min(hits, script.length - 1)] ?? { status: 200, body: 'ok' };
    hits++;
    const t = setTimeout(() => {
      timers.delete(t);
      res.writeHead(step.status);
      res.end(step.body);
    }, step.delayMs ?? 0);
    timers.add(t);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HttpHealthCheck', () => {
  it('passes on 2xx with a matching body', async () => {
    script = [{ status: 200, body: '{"status":"ok","db":"up"}' }];
    const r = await new HttpHealthCheck({ url: `${base}/healthz`, bodyMatch: /"db":"up"/, retries: 0 }).check();
    expect(r).toMatchObject({ name: `HTTP ${base}/healthz`, passed: true, expected: 'HTTP 2xx with body matching /"db":"up"/' });
    expect(r.value).toMatch(/^HTTP 200 in \d+ ms$/);
  });

  it('retries and passes once the app recovers', async () => {
    script = [{ status: 503, body: 'starting' }, { status: 200, body: 'ok' }];
    const r = await new HttpHealthCheck({ url: base, retries: 2, retryDelayMs: 10 }).check();
    expect(r.passed).toBe(true);
    expect(hits).toBe(2);
  });

  it('fails after its retries with the last status and body', async () => {
    script = [{ status: 500, body: 'password=hunter2 broken' }];
    const r = await new HttpHealthCheck({ url: base, retries: 1, retryDelayMs: 10 }).check();
    expect(r.passed).toBe(false);
    expect(r.value).toMatch(/^HTTP 500 in \d+ ms, unexpected status: password=\*\*\* broken \(after 2 attempts\)$/);
    expect(hits).toBe(2);
  });

  it('fails when the body does not match', async () => {
    script = [{ status: 200, body: 'degraded' }];
    const r = await new HttpHealthCheck({ url: base, bodyMatch: 'healthy', retries: 0 }).check();
    expect(r).toMatchObject({ passed: false, expected: 'HTTP 2xx with body containing "healthy"' });
    expect(r.value).toContain('body did not match: degraded');
  });

  it('times out', async () => {
    script = [{ status: 200, body: 'slow', delayMs: 1000 }];
    const r = await new HttpHealthCheck({ url: base, timeoutMs: 100, retries: 0 }).check();
    expect(r).toMatchObject({ passed: false, value: `${base}/ did not answer within 100 ms.` });
  });
});
