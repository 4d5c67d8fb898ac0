import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SLACK_ACK_TIMEOUT_MS } from '../../src/console/bot-delivery';
import type { FakeSlack } from '../../src/console/slack-api-server';

/** What Slack sends over a Socket Mode connection (the envelope types Rewind receives). */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export type Delivery = { acked: true; payload?: Record<string, unknown> } | { acked: false };

/**
 * Slack's Socket Mode side, as the real SDK sees it: `apps.connections.open` on the fake Web
 * API hands out a `ws://` URL to this server; a connection gets `hello`; each event is an
 * envelope `{ envelope_id, type, payload, accepts_response_payload }` that the app must
 * acknowledge with `{ envelope_id, payload? }` within Slack's 3 s, or Slack counts it as failed.
 * It pings every few seconds, as Slack does, so the client does not think the link is dead.
 */
export class FakeSocketMode {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (payload: Record<string, unknown> | undefined) => void>();
  private readonly connectedListeners: Array<() => void> = [];
  private readonly pinger: NodeJS.Timeout;
  /** Tickets handed out by apps.connections.open; a connection must present one, once. */
  private readonly tickets = new Set<string>();
  port = 0;

  private constructor(private readonly appId: string) {
    this.http = createServer((_req, res) => res.writeHead(404).end());
    this.wss = new WebSocketServer({ server: this.http, path: '/link/' });
    this.wss.on('connection', (ws, req) => {
      const ticket = new URL(req.url ?? '', 'http://x').searchParams.get('ticket') ?? '';
      if (!this.tickets.delete(ticket)) {
        ws.close(4001, 'invalid ticket');
        return;
      }
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => this.onMessage(String(data)));
      ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 }, connection_info: { app_id: this.appId } }));
      for (const l of this.connectedListeners.splice(0)) l();
    });
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) ws.ping();
    }, 2_000);
    this.pinger.unref();
  }

  /** Starts the server and makes `slack` hand out its URLs to `appToken`. */
  static async start(slack: FakeSlack, appToken: string): Promise<FakeSocketMode> {
    const fake = new FakeSocketMode(slack.workspace.bot.appId);
    await new Promise<void>((resolve) => fake.http.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.http.address() as AddressInfo).port;
    slack.enableSocketMode(appToken, () => {
      const ticket = randomUUID();
      fake.tickets.add(ticket);
      return `ws://127.0.0.1:${fake.port}/link/?ticket=${ticket}&app_id=${slack.workspace.bot.appId}`;
    });
    return fake;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Resolves once an app has connected (at once if one is). */
  connected(): Promise<void> {
    if (this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.connectedListeners.push(resolve));
  }

  /** Sends one envelope to a connected app and waits for its acknowledgement, up to Slack's 3 s. */
  async send(type: EnvelopeType, payload: Record<string, unknown>, timeoutMs = SLACK_ACK_TIMEOUT_MS): Promise<Delivery> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('FakeSocketMode: no app is connected');
    const envelopeId = randomUUID();
    const acked = new Promise<Delivery>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelopeId);
        resolve({ acked: false });
      }, timeoutMs);
      this.waiting.set(envelopeId, (p) => {
        clearTimeout(timer);
        resolve({ acked: true, ...(p ? { payload: p } : {}) });
      });
    });
    ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return acked;
  }

  /** Tells the app to reconnect, as Slack does every few hours. */
  askToReconnect(): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake-socket-mode' } }));
  }

  private onMessage(text: string): void {
    let msg: { envelope_id?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.envelope_id !== 'string') return;
    const done = this.waiting.get(msg.envelope_id);
    if (!done) return;
    this.waiting.delete(msg.envelope_id);
    done(msg.payload && typeof msg.payload === 'object' ? (msg.payload as Record<string, unknown>) : undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
