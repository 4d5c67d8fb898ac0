import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { renderAppPage, type AppStatus } from './demo-app-page';

export interface DemoAppOptions {
  /** 0 picks a free port. */
  port: number;
  /** The dotenv-style file with DATABASE_URL that Rewind's connection-file cutover rewrites. */
  connectionFile: string;
}

export interface RunningDemoApp {
  url: string;
  /** The DATABASE_URL currently in use. */
  databaseUrl(): string;
  close(): Promise<void>;
}

/** DATABASE_URL from a dotenv-style file; throws naming the file when there is none. */
export async function readDatabaseUrl(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const m = /^DATABASE_URL=(.+)$/m.exec(text);
  const url = m?.[1]?.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (!url) throw new Error(`${file} has no DATABASE_URL= line`);
  new URL(url);
  return url;
}

/** host:port/database of a connection string, for showing (no credentials). */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * The demo application: the thing a cutover switches. It reads DATABASE_URL from the connection
 * file at start and on `POST /reload`, answers `GET /healthz` (200 only when that database
 * answers a query on `orders`), `GET /status` (JSON) and `GET /` (a page showing which cluster it
 * is connected to and the newest order). It only reads; the write load goes to the source.
 */
export async function startDemoApp(o: DemoAppOptions): Promise<RunningDemoApp> {
  let url = await readDatabaseUrl(o.connectionFile);
  let pool = newPool(url);

  const status = async (): Promise<AppStatus> => {
    const current = url;
    try {
      const res = await pool.query<{ data_directory: string; recovery: boolean; orders: string; newest_id: string | null; newest_at: Date | null; customer: string | null; item: string | null }>(
        `SELECT current_setting('data_directory') AS data_directory, pg_is_in_recovery() AS recovery,
                (SELECT count(*) FROM orders) AS orders, o.id AS newest_id, o.created_at AS newest_at, o.customer, o.item
         FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM orders ORDER BY id DESC LIMIT 1) o ON true`,
      );
      const row = res.rows[0];
      return {
        ok: true,
        database: describeUrl(current),
        dataDirectory: row?.data_directory ?? '',
        readOnly: row?.recovery ?? false,
        orders: Number(row?.orders ?? 0),
        newestOrder: row?.newest_id ? { id: Number(row.newest_id), createdAt: row.newest_at?.toISOString() ?? '', customer: row.customer ?? '', item: row.item ?? '' } : null,
      };
    } catch (err) {
      return { ok: false, database: describeUrl(current), error: (err as Error).message };
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/reload') {
      let next: string;
      try {
        next = await readDatabaseUrl(o.connectionFile);
      } catch (err) {
        return send(res, 500, { ok: false, error: `reload failed: ${(err as Error).message}` });
      }
      const old = pool;
      url = next;
      pool = newPool(next);
      void old.end().catch(() => undefined);
      return send(res, 200, { ok: true, database: describeUrl(next) });
    }
    if (req.method !== 'GET') return send(res, 405, { ok: false, error: 'method not allowed' });
    if (path === '/healthz') {
      const s = await status();
      return send(res, s.ok ? 200 : 503, s.ok ? { status: 'ok', database: s.database } : { status: 'unavailable', database: s.database, error: s.error });
    }
    if (path === '/status') return send(res, 200, await status());
    if (path === '/') {
      const html = renderAppPage(await status());
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(html);
      return;
    }
    send(res, 404, { ok: false, error: 'not found' });
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => send(res, 500, { ok: false, error: (err as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: () => url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end().catch(() => undefined);
    },
  };
}

function newPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2000, idleTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  return pool;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}
