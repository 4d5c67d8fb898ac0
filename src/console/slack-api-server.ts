import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackApiError, rateLimitedError } from './slack-api-error';
import { str, type Args } from './slack-args';
import { CHAT_METHODS } from './slack-chat-methods';
import { SlackEventBus, type CallRecord, type SlackEvent, type SlackEventMap, type SlackEventType } from './slack-events';
import { handleSlackHttp, type ApiResult } from './slack-http';
import { INFO_METHODS } from './slack-info-methods';
import type { MethodHandler } from './slack-method-context';
import { SlackMessageStore, type EphemeralMessage, type SlackMessage } from './slack-message-store';
import { SlackRateLimiter, type RateLimits } from './slack-rate-limiter';
import { SlackResponseUrls, type ResponseUrlOptions } from './slack-response-urls';
import { VIEW_METHODS } from './slack-view-methods';
import { SlackViews, type SlackView } from './slack-views';
import { SlackWorkspace, type WorkspaceSeed } from './slack-workspace';

export interface FakeSlackOptions {
  /** Clock in ms; drives message timestamps, rate limits, trigger and response URL expiry. */
  now?: () => number;
  /** Per-method overrides of Slack's limits; `null` switches a method's limit off. */
  rateLimits?: Partial<RateLimits>;
  workspace?: WorkspaceSeed;
  /** Where response URLs point when `handle` is mounted in another server (`start` sets it). */
  baseUrl?: string;
}

export interface StartedSlackApi {
  url: string;
  /** `url + '/api/'`: what WebClient's `slackApiUrl` takes. */
  apiUrl: string;
  close(): Promise<void>;
}

/** What the next call of a method answers instead of running: an error code, or a 429. */
export type InjectedFailure = { error: string } | { retryAfter: number };

const METHODS: Readonly<Record<string, MethodHandler>> = { ...INFO_METHODS, ...CHAT_METHODS, ...VIEW_METHODS };

/**
 * A Slack workspace with the Web API methods Rewind calls, served over real HTTP so the real
 * WebClient and Bolt talk to it unchanged. Tests and the local console read its state through
 * the accessors and follow changes through `on`/`onAny`.
 */
export class FakeSlack {
  readonly workspace: SlackWorkspace;
  private readonly now: () => number;
  private readonly events = new SlackEventBus();
  private readonly store: SlackMessageStore;
  private readonly viewStore: SlackViews;
  private readonly responseUrls: SlackResponseUrls;
  private readonly limiter: SlackRateLimiter;
  private readonly log: CallRecord[] = [];
  private readonly failures = new Map<string, InjectedFailure[]>();
  private server?: Server;
  private baseUrl?: string;
  private readonly appTokens = new Set<string>();
  private socketModeUrl?: () => string;

  constructor(opts: FakeSlackOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.workspace = new SlackWorkspace(opts.workspace, this.now);
    this.store = new SlackMessageStore(this.now);
    const { team, bot } = this.workspace;
    this.viewStore = new SlackViews(this.now, { team_id: team.id, app_id: bot.appId, bot_id: bot.botId });
    this.responseUrls = new SlackResponseUrls({ now: this.now, workspace: this.workspace, store: this.store, events: this.events });
    this.limiter = new SlackRateLimiter(this.now, opts.rateLimits);
    if (opts.baseUrl !== undefined) this.baseUrl = opts.baseUrl.replace(/\/$/, '');
  }

  /** Points response URLs at the server `handle` is mounted in (the local console sets its own URL). */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/$/, '');
  }

  /** The app's bot token (`xoxb-…`). */
  get token(): string {
    return this.workspace.bot.token;
  }

  on<K extends SlackEventType>(type: K, listener: (payload: SlackEventMap[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  onAny(listener: (event: SlackEvent) => void): () => void {
    return this.events.onAny(listener);
  }

  private channelId(ref: string): string {
    return this.workspace.channel(ref)?.id ?? ref;
  }

  /** Top-level messages of a channel (ID or name), oldest first. */
  messages(channel: string): SlackMessage[] {
    return this.store.messages(this.channelId(channel));
  }

  /** A thread's parent then its replies; empty when `ts` names no message. */
  thread(channel: string, ts: string): SlackMessage[] {
    return this.store.thread(this.channelId(channel), ts);
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.store.get(this.channelId(channel), ts);
  }

  /** Ephemeral messages shown to a person (ID or name), oldest first. */
  ephemerals(user: string): EphemeralMessage[] {
    return this.store.ephemerals(this.workspace.user(user)?.id ?? user);
  }

  /** The call log, oldest first; only `method`'s calls when given (`response_url` for those). */
  calls(method?: string): CallRecord[] {
    return structuredClone(method === undefined ? this.log : this.log.filter((c) => c.method === method));
  }

  /** Open modals, bottom of each stack first; only one person's when given. */
  views(user?: string): SlackView[] {
    return this.viewStore.list(user === undefined ? undefined : (this.workspace.user(user)?.id ?? user));
  }

  /** A trigger ID for `user`, as a slash command or click would carry (one use, 3 s). */
  createTriggerId(user: string): string {
    return this.viewStore.createTriggerId(this.workspace.user(user)?.id ?? user);
  }

  /** A response URL for a command or click by `user` in `channel` (5 uses within 30 min). */
  createResponseUrl(channel: string, user: string, opts?: ResponseUrlOptions): string {
    if (this.baseUrl === undefined) throw new Error('FakeSlack: start() it or pass baseUrl before creating response URLs');
    return `${this.baseUrl}/response/${this.responseUrls.create(channel, user, opts)}`;
  }

  /** Closes a modal (and any pushed above it), as the person pressing Cancel would. */
  closeView(viewId: string): void {
    for (const view of this.viewStore.close(viewId)) this.events.emit('view.closed', { user: view.user, view });
  }

  /** A message typed by a person (chat.update of it answers `cant_update_message`). */
  postAsUser(channel: string, user: string, text: string, threadTs?: string): SlackMessage {
    const ch = this.workspace.channel(channel);
    const person = this.workspace.user(user);
    if (!ch || !person) throw new Error(`FakeSlack: unknown channel ${channel} or user ${user}`);
    const message = this.store.post({ channel: ch.id, user: person.id, team: this.workspace.team.id, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
    this.events.emit('message.posted', { channel: ch.id, message });
    return message;
  }

  /**
   * Enables Socket Mode: `apps.connections.open` with `appToken` (xapp-…) answers a fresh URL from
   * `url` (a SocketModeServer's). Bot tokens are refused there, as Slack refuses them.
   */
  enableSocketMode(appToken: string, url: () => string): void {
    this.appTokens.add(appToken);
    this.socketModeUrl = url;
  }

  /** Makes the next call of `method` fail as given; queued failures are used in order. */
  failNext(method: string, failure: InjectedFailure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(failure);
    this.failures.set(method, queue);
  }

  /** Runs one Web API call as the HTTP endpoint would; exposed for in-process use. */
  call(method: string, args: Args, token: string | undefined): ApiResult {
    const at = this.now();
    let result: ApiResult;
    try {
      result = { status: 200, body: { ok: true, ...this.run(method, args, token) }, headers: {} };
    } catch (err) {
      if (!(err instanceof SlackApiError)) console.error(`FakeSlack: ${method} failed`, err);
      result = err instanceof SlackApiError
        ? { status: err.status, body: err.body(), headers: err.headers }
        : { status: 500, body: { ok: false, error: 'internal_error' }, headers: {} };
    }
    this.record({ method, args, at, status: result.status, body: result.body });
    return result;
  }

  private run(method: string, args: Args, token: string | undefined): Record<string, unknown> {
    if (method === 'apps.connections.open') return this.openSocketConnection(token);
    const handler = METHODS[method];
    if (!handler) throw new SlackApiError('unknown_method', { extra: { req_method: method } });
    if (token === undefined || token === '') throw new SlackApiError('not_authed');
    const caller = this.workspace.tokenUser(token);
    if (!caller) throw new SlackApiError('invalid_auth');
    const injected = this.failures.get(method)?.shift();
    if (injected) throw 'error' in injected ? new SlackApiError(injected.error) : rateLimitedError(injected.retryAfter);
    const channelRef = str(args, 'channel');
    const wait = this.limiter.take(method, token, channelRef === undefined ? undefined : this.channelId(channelRef));
    if (wait > 0) throw rateLimitedError(wait);
    return handler(args, {
      workspace: this.workspace,
      store: this.store,
      views: this.viewStore,
      events: this.events,
      caller,
      now: this.now,
    });
  }

  private openSocketConnection(token: string | undefined): Record<string, unknown> {
    if (token === undefined || token === '') throw new SlackApiError('not_authed');
    if (!token.startsWith('xapp-')) throw new SlackApiError('not_allowed_token_type');
    if (!this.appTokens.has(token) || !this.socketModeUrl) throw new SlackApiError('invalid_auth');
    return { url: this.socketModeUrl() };
  }

  /** Serves one response URL POST. */
  respond(id: string, payload: Args): ApiResult {
    const at = this.now();
    let result: ApiResult;
    try {
      result = { status: 200, body: { ok: true, ...this.responseUrls.deliver(id, payload) }, headers: {} };
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      result = { status: err.status, body: err.body(), headers: err.headers };
    }
    this.record({ method: 'response_url', args: { id, ...payload }, at, status: result.status, body: result.body });
    return result;
  }

  private record(c: { method: string; args: Args; at: number; status: number; body: Record<string, unknown> }): void {
    const ok = c.body.ok === true;
    const entry: CallRecord = { method: c.method, args: structuredClone(c.args), at: c.at, status: c.status, ok };
    if (!ok && typeof c.body.error === 'string') entry.error = c.body.error;
    this.log.push(entry);
    this.events.emit('call', entry);
  }

  /** A Node request listener serving `/api/<method>` and `/response/<id>`; mountable elsewhere. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void handleSlackHttp(this, req, res);
  };

  async start(opts: { port?: number; host?: string } = {}): Promise<StartedSlackApi> {
    if (this.server) throw new Error('FakeSlack: already started');
    const host = opts.host ?? '127.0.0.1';
    const server = createServer(this.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.baseUrl = url;
    return { url, apiUrl: `${url}/api/`, close: () => this.close() };
  }

  /** Stops the HTTP server, dropping kept-alive connections so nothing holds the process open. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    delete this.server;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
