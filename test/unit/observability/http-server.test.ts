import { createMetrics } from '../../../src/observability/metrics';
import type { HealthReport } from '../../../src/observability/health';
import { createHttpApp, listen, type RunningServer } from '../../../src/observability/http-server';

describe('HTTP app', () => {
  let report: HealthReport | Error;
  const metrics = createMetrics({ defaultMetrics: false });
  let running: RunningServer;
  let base: string;

  beforeAll(async () => {
    const app = createHttpApp({
      health: async () => {
        if (report instanceof Error) throw report;
        return report;
      },
      metrics: metrics.registry,
    });
    running = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${running.port}`;
  });

  afterAll(async () => {
    await running.close();
  });

  it('answers 200 when every component is ok', async () => {
    report = { ok: true, checks: { postgres: { ok: true, latencyMs: 1 }, redis: { ok: true, latencyMs: 2 } } };
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: 'ok', checks: report.checks });
  });

  it('answers 503 naming the failing component and its error', async () => {
    report = {
      ok: false,
      checks: { postgres: { ok: true, latencyMs: 1 }, redis: { ok: false, error: 'not connected (reconnecting)', latencyMs: 0 } },
    };
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', failing: ['redis'], checks: report.checks });
  });

  it('answers 503 with a scrubbed error when the health function throws', async () => {
    report = new Error('lost postgres://u:pw-in-error@h/db');
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; error: string };
    expect(body.status).toBe('unavailable');
    expect(body.error).toBe('lost postgres://u:***@h/db');
  });

  it('serves the registry in the Prometheus text format', async () => {
    metrics.observeStep('validate', 'failed', 0.3);
    metrics.countSlackError('chat.update', 'ratelimited');
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    const text = await res.text();
    expect(text).toContain('rewind_step_duration_seconds_bucket{le="1",kind="validate",outcome="failed"} 1');
    expect(text).toContain('rewind_slack_api_errors_total{method="chat.update",error="ratelimited"} 1');
    expect(text).toContain('rewind_runs');
    expect(text).toContain('rewind_queue_depth');
  });

  it('leaves other routes to whoever mounts them', async () => {
    const res = await fetch(`${base}/slack/events`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('listen', () => {
  it('rejects when the port is taken', async () => {
    const app = createHttpApp({ health: async () => ({ ok: true, checks: {} }), metrics: createMetrics({ defaultMetrics: false }).registry });
    const first = await listen(app, 0, '127.0.0.1');
    await expect(listen(app, first.port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});
