import { randomBytes } from 'node:crypto';
import { SlackApiError } from './slack-api-error';
import { bool, str, type Args } from './slack-args';
import type { SlackEventBus } from './slack-events';
import { readMessageContent } from './slack-message-content';
import type { SlackMessageStore } from './slack-message-store';
import type { SlackWorkspace } from './slack-workspace';

/**
 * `response_url`s as Slack hands them out with slash commands and interactions: each works 5
 * times within 30 minutes. A reply is ephemeral (seen by the one person) unless
 * `response_type: in_channel`; `replace_original` / `delete_original` act on the original message
 * (the one the click came from) or, failing that, on the last reply sent through the same URL.
 * Refusals: HTTP 404 `expired_url` (unknown or older than 30 minutes), 404 `used_url` (a sixth
 * use), HTTP 400 with the Web API code for a bad payload (`no_text`, `invalid_blocks`, ...).
 */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

interface Target {
  kind: 'channel' | 'ephemeral';
  ts: string;
}

interface ResponseUrlRecord {
  channel: string;
  user: string;
  createdAt: number;
  uses: number;
  target?: Target;
}

export interface ResponseUrlOptions {
  /** The message a click came from: what `replace_original` replaces. */
  original?: { ts: string; ephemeral?: boolean };
}

export class SlackResponseUrls {
  private readonly urls = new Map<string, ResponseUrlRecord>();
  private seq = 0;

  constructor(
    private readonly deps: { now: () => number; workspace: SlackWorkspace; store: SlackMessageStore; events: SlackEventBus },
  ) {}

  /** Registers a response URL for `user` in `channel` (IDs or names); returns its path id. */
  create(channel: string, user: string, opts: ResponseUrlOptions = {}): string {
    const ch = this.deps.workspace.channel(channel);
    const person = this.deps.workspace.user(user);
    if (!ch || !person) throw new Error(`response_url for unknown channel ${channel} or user ${user}`);
    const id = `${this.deps.workspace.team.id}-${++this.seq}-${randomBytes(8).toString('hex')}`;
    const target: Target | undefined = opts.original && { kind: opts.original.ephemeral ? 'ephemeral' : 'channel', ts: opts.original.ts };
    this.urls.set(id, { channel: ch.id, user: person.id, createdAt: this.deps.now(), uses: 0, ...(target ? { target } : {}) });
    return id;
  }

  /** How many more times the URL can be used now (0 once expired). */
  remainingUses(id: string): number {
    const rec = this.urls.get(id);
    if (!rec || this.deps.now() - rec.createdAt > RESPONSE_URL_TTL_MS) return 0;
    return RESPONSE_URL_MAX_USES - rec.uses;
  }

  deliver(id: string, payload: Args): Record<string, unknown> {
    const rec = this.urls.get(id);
    if (!rec || this.deps.now() - rec.createdAt > RESPONSE_URL_TTL_MS) throw new SlackApiError('expired_url', { status: 404 });
    if (rec.uses >= RESPONSE_URL_MAX_USES) throw new SlackApiError('used_url', { status: 404 });
    rec.uses += 1;
    if (bool(payload, 'delete_original')) {
      this.deleteTarget(rec);
      return {};
    }
    let content;
    try {
      content = readMessageContent(payload, { required: true });
    } catch (err) {
      if (err instanceof SlackApiError) throw new SlackApiError(err.code, { status: 400, extra: err.extra });
      throw err;
    }
    const text = content.text ?? '';
    const replacement = { text, blocks: content.blocks ?? [], ...(content.attachments ? { attachments: content.attachments } : {}) };
    if (bool(payload, 'replace_original') && rec.target && this.replaceTarget(rec, rec.target, replacement)) return {};
    const { store, events, workspace } = this.deps;
    const thread = str(payload, 'thread_ts');
    if (str(payload, 'response_type') === 'in_channel') {
      const { bot, team } = workspace;
      const message = store.post({
        channel: rec.channel,
        user: bot.userId,
        team: team.id,
        bot_id: bot.botId,
        app_id: bot.appId,
        ...content,
        text,
        ...(thread && store.get(rec.channel, thread) ? { thread_ts: thread } : {}),
      });
      rec.target = { kind: 'channel', ts: message.ts };
      events.emit('message.posted', { channel: rec.channel, message });
      return {};
    }
    const message = store.addEphemeral({
      user: rec.user,
      channel: rec.channel,
      text,
      ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
      ...(content.attachments === undefined ? {} : { attachments: content.attachments }),
      ...(thread ? { thread_ts: thread } : {}),
      via: 'response_url',
    });
    rec.target = { kind: 'ephemeral', ts: message.ts };
    events.emit('ephemeral', { user: rec.user, channel: rec.channel, message });
    return {};
  }

  private replaceTarget(rec: ResponseUrlRecord, target: Target, content: { text: string; blocks?: unknown[]; attachments?: unknown[] }): boolean {
    const { store, events, workspace } = this.deps;
    if (target.kind === 'ephemeral') {
      const message = store.replaceEphemeral(rec.user, target.ts, content);
      if (message) events.emit('ephemeral.updated', { user: rec.user, channel: rec.channel, message });
      return message !== undefined;
    }
    const changed = store.update(rec.channel, target.ts, content, workspace.bot.userId);
    if (changed) events.emit('message.updated', { channel: rec.channel, ...changed });
    return changed !== undefined;
  }

  private deleteTarget(rec: ResponseUrlRecord): void {
    const t = rec.target;
    if (!t) return;
    if (t.kind === 'ephemeral' && this.deps.store.deleteEphemeral(rec.user, t.ts)) {
      this.deps.events.emit('ephemeral.deleted', { user: rec.user, ts: t.ts });
    } else if (t.kind === 'channel' && this.deps.store.delete(rec.channel, t.ts)) {
      this.deps.events.emit('message.deleted', { channel: rec.channel, ts: t.ts });
    }
    delete rec.target;
  }
}
