import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { HealthReport } from './health';
import { redactString } from './redact';

export interface HttpAppDeps {
  health: () => Promise<HealthReport>;
  metrics: Registry;
}

/** Body of `GET /healthz`. */
export interface HealthBody {
  status: 'ok' | 'unavailable';
  /** Names of the components that are not ok; present only when unavailable. */
  failing?: string[];
  checks: HealthReport['checks'];
  /** Set when the health function itself failed. */
  error?: string;
}

/**
 * The process's HTTP surface: `GET /healthz` (200 when every component is ok, 503 naming the
 * failing ones otherwise) and `GET /metrics` (Prometheus text exposition). The app does not
 * listen; the composition root mounts more routes (Slack's `POST /slack/events`) and calls
 * `listen`.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    let body: HealthBody;
    try {
      const report = await deps.health();
      const failing = Object.entries(report.checks)
        .filter(([, check]) => !check.ok)
        .map(([name]) => name);
      body = report.ok && failing.length === 0 ? { status: 'ok', checks: report.checks } : { status: 'unavailable', failing, checks: report.checks };
    } catch (err) {
      body = { status: 'unavailable', failing: [], checks: {}, error: redactString(err instanceof Error ? err.message : String(err)) };
    }
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });

  app.get('/metrics', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      const text = await deps.metrics.metrics();
      res.status(200).set('Content-Type', deps.metrics.contentType).send(text);
    } catch (err) {
      res
        .status(500)
        .type('text/plain')
        .send(`metrics collection failed: ${redactString(err instanceof Error ? err.message : String(err))}\n`);
    }
  });

  return app;
}

export interface RunningServer {
  server: Server;
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  /** Stops accepting connections, drops idle keep-alive ones and resolves once closed. */
  close(): Promise<void>;
}

/** Starts serving `app`; resolves once the port is bound, rejects if it cannot be. */
export function listen(app: Express, port: number, host?: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onListening = (err?: Error): void => {
      if (err) {
        reject(err);
        return;
      }
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((closeErr) => (closeErr ? fail(closeErr) : done()));
            server.closeIdleConnections();
          }),
      });
    };
    // Without a host Node binds the unspecified address (IPv6 dual-stack where available).
    const server = host === undefined ? app.listen(port, onListening) : app.listen(port, host, onListening);
  });
}
