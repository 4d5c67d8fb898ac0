import { SlackApiError } from './slack-api-error';
import { isTs, str, type Args } from './slack-args';
import { readMessageContent } from './slack-message-content';
import type { MethodContext, MethodHandler } from './slack-method-context';
import type { SlackMessage } from './slack-message-store';
import type { SlackChannel } from './slack-workspace';

// chat.postMessage, chat.update, chat.delete and chat.postEphemeral with Slack's refusals.
// Stricter than Slack in one place: a `thread_ts` naming no message is refused with
// `thread_not_found` rather than posted into a thread nobody can see.

/** A channel the caller can see: unknown ones, and private ones the app is not in, are not found. */
function channelFor(ctx: MethodContext, ref: string | undefined): SlackChannel {
  const ch = ref === undefined || ref === '' ? undefined : ctx.workspace.channel(ref);
  if (!ch || (ch.isPrivate && !ch.botIsMember)) throw new SlackApiError('channel_not_found');
  return ch;
}

/** A channel the app may post in: public channels it has not joined answer `not_in_channel`. */
function postableChannel(ctx: MethodContext, ref: string | undefined): SlackChannel {
  const ch = channelFor(ctx, ref);
  if (!ch.botIsMember) throw new SlackApiError('not_in_channel');
  return ch;
}

/** The message as Slack returns it inside a response (no `channel` field). */
export function wireMessage(message: SlackMessage): Record<string, unknown> {
  const { channel: _channel, ...rest } = message;
  return rest;
}

function author(ctx: MethodContext): Pick<SlackMessage, 'user' | 'team' | 'bot_id' | 'app_id'> {
  const { caller, workspace } = ctx;
  return caller.isBot
    ? { user: caller.id, team: workspace.team.id, bot_id: workspace.bot.botId, app_id: workspace.bot.appId }
    : { user: caller.id, team: workspace.team.id };
}

function threadTs(ctx: MethodContext, channel: string, args: Args): string | undefined {
  const ts = str(args, 'thread_ts');
  if (ts === undefined || ts === '') return undefined;
  if (!isTs(ts)) throw new SlackApiError('invalid_thread_ts');
  if (!ctx.store.get(channel, ts)) throw new SlackApiError('thread_not_found');
  return ts;
}

const postMessage: MethodHandler = (args, ctx) => {
  const ch = postableChannel(ctx, str(args, 'channel'));
  const content = readMessageContent(args, { required: true });
  const thread = threadTs(ctx, ch.id, args);
  const message = ctx.store.post({
    channel: ch.id,
    ...author(ctx),
    ...content,
    text: content.text ?? '',
    ...(thread === undefined ? {} : { thread_ts: thread }),
  });
  ctx.events.emit('message.posted', { channel: ch.id, message });
  return { channel: ch.id, ts: message.ts, message: wireMessage(message) };
};

const update: MethodHandler = (args, ctx) => {
  const ch = channelFor(ctx, str(args, 'channel'));
  const ts = str(args, 'ts');
  const existing = ts === undefined ? undefined : ctx.store.get(ch.id, ts);
  if (!existing || ts === undefined) throw new SlackApiError('message_not_found');
  if (existing.user !== ctx.caller.id) throw new SlackApiError('cant_update_message');
  const content = readMessageContent(args, { required: false });
  if (content.text === undefined && content.blocks === undefined && content.attachments === undefined) {
    throw new SlackApiError('no_text');
  }
  const changed = ctx.store.update(ch.id, ts, content, ctx.caller.id);
  if (!changed) throw new SlackApiError('message_not_found');
  ctx.events.emit('message.updated', { channel: ch.id, ...changed });
  return { channel: ch.id, ts, text: changed.message.text, message: wireMessage(changed.message) };
};

const remove: MethodHandler = (args, ctx) => {
  const ch = channelFor(ctx, str(args, 'channel'));
  const ts = str(args, 'ts') ?? '';
  const existing = ctx.store.get(ch.id, ts);
  if (!existing) throw new SlackApiError('message_not_found');
  if (existing.user !== ctx.caller.id) throw new SlackApiError('cant_delete_message');
  ctx.store.delete(ch.id, ts);
  ctx.events.emit('message.deleted', { channel: ch.id, ts });
  return { channel: ch.id, ts };
};

const postEphemeral: MethodHandler = (args, ctx) => {
  const ch = postableChannel(ctx, str(args, 'channel'));
  const userRef = str(args, 'user');
  const user = userRef === undefined ? undefined : ctx.workspace.user(userRef);
  if (!user) throw new SlackApiError('user_not_found');
  if (!ch.members.includes(user.id)) throw new SlackApiError('user_not_in_channel');
  const content = readMessageContent(args, { required: true });
  const thread = str(args, 'thread_ts');
  const message = ctx.store.addEphemeral({
    user: user.id,
    channel: ch.id,
    text: content.text ?? '',
    ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
    ...(content.attachments === undefined ? {} : { attachments: content.attachments }),
    ...(thread === undefined || thread === '' ? {} : { thread_ts: thread }),
    via: 'chat.postEphemeral',
  });
  ctx.events.emit('ephemeral', { user: user.id, channel: ch.id, message });
  return { message_ts: message.ts };
};

export const CHAT_METHODS: Readonly<Record<string, MethodHandler>> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': remove,
  'chat.postEphemeral': postEphemeral,
};
