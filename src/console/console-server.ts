import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveAsset } from './console-assets';
import { ConsoleEventStream, consoleSnapshot, type ConsolePerson } from './console-event-stream';
import { ConsoleInteractions } from './console-interactions';
import { FakeSlack } from './slack-api-server';

/**
 * The local Slack-compatible console: one HTTP server with the local Slack Web API (`/api/*`,
 * `/response/*`) for the bot to call, the browser page (`/`, `/assets/*`), its live feed
 * (`/events`) and the page's requests (`POST /ui/command|action|view-submission|view-close|
 * message`), which reach the bot as signed Slack requests at `botEventsUrl`.
 */
export interface ConsoleOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the console acts as anyone, so it is not exposed unless asked. */
  host?: string;
  /** Where the bot receives Slack's requests, e.g. `http://127.0.0.1:3000/slack/events`. */
  botEventsUrl: string;
  signingSecret: string;
  /** The people the page can act as; added to the workspace if missing. */
  users: ConsolePerson[];
  /** The channel shown; created (with every configured person in it) if missing. */
  channel: { id: string; name: string };
  /** An existing local Slack to serve; a new one is made when absent. */
  slack?: FakeSlack;
  /** The URL the bot reaches this server at, for response URLs (default: the listening URL). */
  publicUrl?: string;
  /** Default `/dr`. */
  command?: string;
  /** Slack's acknowledgement deadline, default 3000 ms. */
  ackTimeoutMs?: number;
}

export interface RunningConsole {
  url: string;
  slack: FakeSlack;
  close(): Promise<void>;
}

export const MAX_UI_BODY_BYTES = 1024 * 1024;

/** `Riley Chen` → `riley.chen`, the shape of a Slack handle. */
function handleOf(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '.');
}

function prepareWorkspace(slack: FakeSlack, o: ConsoleOptions): void {
  const ws = slack.workspace;
  for (const p of o.users) {
    if (!ws.user(p.id)) ws.addUser({ id: p.id, name: handleOf(p.name), realName: p.name });
  }
  const ids = o.users.map((p) => p.id);
  const channel = ws.channel(o.channel.id) ?? ws.addChannel({ id: o.channel.id, name: o.channel.name, members: ids });
  for (const id of ids) if (!channel.members.includes(id)) channel.members.push(id);
}

function newSlack(o: ConsoleOptions): FakeSlack {
  return new FakeSlack({
    workspace: {
      users: o.users.map((p) => ({ id: p.id, name: handleOf(p.name), realName: p.name })),
      channels: [{ id: o.channel.id, name: o.channel.name }],
    },
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_UI_BODY_BYTES) return undefined;
    chunks.push(buf);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; connect-src 'self'",
  'Referrer-Policy': 'no-referrer',
};

export async function startConsole(o: ConsoleOptions): Promise<RunningConsole> {
  const slack = o.slack ?? newSlack(o);
  prepareWorkspace(slack, o);
  const command = o.command ?? '/dr';
  const interactions = new ConsoleInteractions({
    slack,
    botEventsUrl: o.botEventsUrl,
    signingSecret: o.signingSecret,
    command,
    ...(o.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: o.ackTimeoutMs }),
  });
  const stream = new ConsoleEventStream(slack, () => consoleSnapshot(slack, o.channel.id, o.users, command));

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/api/') || path.startsWith('/response/')) return slack.handle(req, res);
    if (req.method === 'GET' && path === '/events') return stream.handle(req, res);
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
      return serveAsset(res, 'index.html');
    }
    const asset = /^\/assets\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && asset?.[1]) return serveAsset(res, asset[1]);
    const ui = /^\/ui\/([a-z-]+)$/.exec(path);
    if (req.method === 'POST' && ui?.[1]) {
      const input = await readJson(req);
      if (!input) return sendJson(res, 400, { ok: false, error: 'expected a JSON object body' });
      const result = await interactions.run(ui[1], input);
      return sendJson(res, result.status, result.body);
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      console.error('console: request failed', err);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: `console error: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  slack.setBaseUrl(o.publicUrl ?? url);

  return {
    url,
    slack,
    close: async () => {
      stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
