import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeSlack } from './slack-api-server';
import type { SlackEvent } from './slack-events';
import type { EphemeralMessage, SlackMessage } from './slack-message-store';
import type { SlackView } from './slack-views';

/**
 * The page's live feed (Server-Sent Events): on connect, one `snapshot` of everything the page
 * shows; then every local Slack event as it happens, each a JSON `data:` line with its `type`.
 * A reconnecting page gets a fresh snapshot, so no event IDs or replay are needed. Everyone's
 * ephemerals and modals are sent: the page is a local demo that switches between people.
 */
export interface ConsolePerson {
  id: string;
  name: string;
  title: string;
}

export interface ConsoleSnapshot {
  type: 'snapshot';
  team: { id: string; name: string; domain: string };
  bot: { id: string; name: string };
  channel: { id: string; name: string; members: string[] };
  command: string;
  /** The people the page can act as, in switcher order. */
  people: ConsolePerson[];
  /** Everyone in the workspace, for rendering mentions and authors. */
  users: { id: string; name: string; realName: string; isBot: boolean }[];
  /** The channel's messages, thread replies included, oldest first. */
  messages: SlackMessage[];
  ephemerals: EphemeralMessage[];
  views: SlackView[];
}

export const KEEP_ALIVE_MS = 15_000;

export function consoleSnapshot(slack: FakeSlack, channelId: string, people: ConsolePerson[], command: string): ConsoleSnapshot {
  const ws = slack.workspace;
  const channel = ws.channel(channelId);
  if (!channel) throw new Error(`console: unknown channel ${channelId}`);
  const top = slack.messages(channel.id);
  const messages = top.flatMap((m) => (m.reply_count ? slack.thread(channel.id, m.ts) : [m]));
  const users = ws.users();
  const ephemerals = users
    .filter((u) => !u.isBot)
    .flatMap((u) => slack.ephemerals(u.id))
    .filter((e) => e.channel === channel.id)
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  return {
    type: 'snapshot',
    team: { ...ws.team },
    bot: { id: ws.bot.userId, name: ws.bot.name },
    channel: { id: channel.id, name: channel.name, members: [...channel.members] },
    command,
    people,
    users: users.map((u) => ({ id: u.id, name: u.name, realName: u.realName, isBot: u.isBot })),
    messages,
    ephemerals,
    views: slack.views(),
  };
}

export class ConsoleEventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: () => void;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    slack: FakeSlack,
    private readonly snapshot: () => ConsoleSnapshot,
  ) {
    this.unsubscribe = slack.onAny((event: SlackEvent) => this.broadcast(event));
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) c.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Serves `GET /events`; the snapshot and subscription happen in one tick, so nothing is missed. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    res.write(frame(this.snapshot()));
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('close', drop);
  }

  private broadcast(event: SlackEvent): void {
    const data = frame(event);
    for (const c of this.clients) c.write(data);
  }

  get connections(): number {
    return this.clients.size;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.keepAlive);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
