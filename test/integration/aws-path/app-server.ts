import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../fakes/aws-query-protocol';

/**
 * The applications behind the cutover, as one HTTP server: `GET /health` for the health check
 * and `POST /hook` for a webhook cutover. Answers are settable; every request is logged.
 */
export class AppServer {
  readonly requests: { method: string; path: string; body: string; at: number }[] = [];
  health = { status: 200, body: 'ok: orders' };
  hook = { status: 200, body: '{"ok":true}' };
  url = '';
  private server?: Server;

  static async start(): Promise<AppServer> {
    const app = new AppServer();
    app.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url ?? '/';
        app.requests.push({ method: req.method ?? 'GET', path, body, at: Date.now() });
        const answer = path.startsWith('/health') ? app.health : path.startsWith('/hook') ? app.hook : { status: 404, body: 'not found' };
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => app.server?.listen(0, '127.0.0.1', resolve));
    app.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return app;
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path.startsWith(path)).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
