/**
 * Messages per channel (with threads) and ephemeral messages per person, with timestamps
 * generated the way Slack writes them ("<seconds>.<6 digits>", unique and increasing).
 * Accessors return copies so a reader can never change what the local Slack holds.
 */
export interface SlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  user: string;
  team: string;
  text: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
}

export interface EphemeralMessage {
  /** The one person who sees it. */
  user: string;
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  via: 'chat.postEphemeral' | 'response_url';
}

export type MessageContent = Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'metadata'>;

export class SlackMessageStore {
  private readonly byChannel = new Map<string, SlackMessage[]>();
  private readonly ephemeralByUser = new Map<string, EphemeralMessage[]>();
  private lastMicros = 0;

  constructor(private readonly now: () => number) {}

  nextTs(): string {
    this.lastMicros = Math.max(Math.floor(this.now() * 1000), this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  private list(channel: string): SlackMessage[] {
    let list = this.byChannel.get(channel);
    if (!list) this.byChannel.set(channel, (list = []));
    return list;
  }

  /** Adds a message; a `thread_ts` naming a reply is moved to that reply's parent, as Slack does. */
  post(message: Omit<SlackMessage, 'type' | 'ts'>): SlackMessage {
    const stored: SlackMessage = { type: 'message', ts: this.nextTs(), ...message };
    if (stored.thread_ts !== undefined) {
      const parent = this.find(stored.channel, stored.thread_ts);
      const root = parent?.thread_ts !== undefined ? this.find(stored.channel, parent.thread_ts) : parent;
      if (root) {
        stored.thread_ts = root.ts;
        root.thread_ts = root.ts;
        root.reply_count = (root.reply_count ?? 0) + 1;
        root.reply_users = [...new Set([...(root.reply_users ?? []), stored.user])];
        root.latest_reply = stored.ts;
      }
    }
    this.list(stored.channel).push(stored);
    return structuredClone(stored);
  }

  /** The live record (internal use: callers outside the store get copies). */
  private find(channel: string, ts: string): SlackMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  get(channel: string, ts: string): SlackMessage | undefined {
    const m = this.find(channel, ts);
    return m && structuredClone(m);
  }

  /** Replaces text (and blocks/attachments/metadata when given); undefined fields are kept. */
  update(channel: string, ts: string, content: Partial<MessageContent>, editor: string): { message: SlackMessage; previous: SlackMessage } | undefined {
    const m = this.find(channel, ts);
    if (!m) return undefined;
    const previous = structuredClone(m);
    for (const key of ['text', 'blocks', 'attachments', 'metadata'] as const) {
      if (content[key] !== undefined) Object.assign(m, { [key]: content[key] });
    }
    m.edited = { user: editor, ts: this.nextTs() };
    return { message: structuredClone(m), previous };
  }

  delete(channel: string, ts: string): boolean {
    const list = this.byChannel.get(channel);
    const i = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** Top-level messages of a channel (thread parents included, replies not), oldest first. */
  messages(channel: string): SlackMessage[] {
    return structuredClone((this.byChannel.get(channel) ?? []).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts));
  }

  /** A thread: its parent first, then the replies, oldest first; empty when there is no such parent. */
  thread(channel: string, ts: string): SlackMessage[] {
    const list = this.byChannel.get(channel) ?? [];
    const parent = list.find((m) => m.ts === ts);
    if (!parent) return [];
    return structuredClone([parent, ...list.filter((m) => m.thread_ts === ts && m.ts !== ts)]);
  }

  addEphemeral(message: Omit<EphemeralMessage, 'ts'>): EphemeralMessage {
    const stored: EphemeralMessage = { ts: this.nextTs(), ...message };
    let list = this.ephemeralByUser.get(stored.user);
    if (!list) this.ephemeralByUser.set(stored.user, (list = []));
    list.push(stored);
    return structuredClone(stored);
  }

  /** Replaces an ephemeral message in place (response_url `replace_original`). */
  replaceEphemeral(user: string, ts: string, content: Pick<EphemeralMessage, 'text' | 'blocks' | 'attachments'>): EphemeralMessage | undefined {
    const m = this.ephemeralByUser.get(user)?.find((e) => e.ts === ts);
    if (!m) return undefined;
    m.text = content.text;
    if (content.blocks !== undefined) m.blocks = content.blocks;
    if (content.attachments !== undefined) m.attachments = content.attachments;
    return structuredClone(m);
  }

  deleteEphemeral(user: string, ts: string): boolean {
    const list = this.ephemeralByUser.get(user);
    const i = list?.findIndex((e) => e.ts === ts) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  ephemerals(user: string): EphemeralMessage[] {
    return structuredClone(this.ephemeralByUser.get(user) ?? []);
  }
}
