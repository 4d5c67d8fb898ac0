import { fragment, h } from './dom.js';
import { renderBlocks } from './blocks.js';
import { icon, rewindLogo } from './icons.js';
import { mrkdwn } from './mrkdwn.js';

// The channel's message list as Slack draws it: day dividers, avatar + name + time headers
// (consecutive messages from one author within 5 minutes share one), Block Kit bodies,
// "(edited)", thread summaries that expand to the replies, and ephemerals marked
// "Only visible to you".
//
// view: { channel, command, messages: [], ephemerals: [] (the current person's), expanded: Set<ts>,
//         users: Map<id, user>, bot: {id, name} }
// ctx:  { text, onButton(button, blockId, el, source), toggleThread(ts), dismiss(ts) }

const GROUP_MS = 5 * 60_000;

export function tsDate(ts) {
  return new Date(Number(ts) * 1000);
}

export function timeOf(ts) {
  return tsDate(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (date.toDateString() === today.toDateString()) return 'Today';
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });
}

function author(msg, view) {
  if (msg.bot_id || msg.ephemeral) return { id: view.bot.id, name: view.bot.name, bot: true };
  const u = view.users.get(msg.user);
  return { id: msg.user, name: u?.realName || u?.name || msg.user, bot: false };
}

const PALETTE = ['#e8912d', '#2bac76', '#1d9bd1', '#e01e5a', '#8a4ba8', '#4a9c8c', '#c77d2b'];

export function avatar(who, small) {
  const cls = `avatar${small ? ' avatar-small' : ''}${who.bot ? ' avatar-bot' : ''}`;
  if (who.bot) return h('div', { class: cls, 'aria-hidden': 'true' }, rewindLogo(small ? 14 : 24));
  let hash = 0;
  for (const ch of who.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const initials = who.name.split(/[\s.]+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
  return h('div', { class: cls, style: { background: PALETTE[hash % PALETTE.length] }, 'aria-hidden': 'true' }, initials);
}

function body(msg, ctx, source) {
  const blockCtx = { ...ctx, onButton: (button, blockId, el) => ctx.onButton(button, blockId, el, source) };
  const parts = [];
  if (Array.isArray(msg.blocks) && msg.blocks.length > 0) parts.push(renderBlocks(msg.blocks, blockCtx));
  else if (msg.text) parts.push(h('div', { class: 'message-text' }, mrkdwn(msg.text, ctx.text)));
  for (const a of msg.attachments ?? []) {
    const inner = Array.isArray(a.blocks) && a.blocks.length > 0 ? renderBlocks(a.blocks, blockCtx) : mrkdwn(a.text ?? a.fallback ?? '', ctx.text);
    const color = typeof a.color === 'string' && /^#?[0-9a-f]{3,8}$/i.test(a.color) ? (a.color.startsWith('#') ? a.color : `#${a.color}`) : '#dddddd';
    parts.push(h('div', { class: 'attachment', style: { borderLeftColor: color } }, inner));
  }
  const el = h('div', { class: 'message-body' }, parts);
  if (msg.edited) {
    // Slack puts "(edited)" after the last line of text, not on a line of its own.
    const texts = el.querySelectorAll('.message-text, .section-text, .context-text');
    (texts[texts.length - 1] ?? el).append(h('span', { class: 'edited' }, '(edited)'));
  }
  return el;
}

function header(who, msg) {
  return h(
    'div',
    { class: 'message-header' },
    h('span', { class: 'author' }, who.name),
    who.bot ? h('span', { class: 'app-badge' }, 'APP') : null,
    h('time', { class: 'time', datetime: tsDate(msg.ts).toISOString(), title: tsDate(msg.ts).toLocaleString() }, timeOf(msg.ts)),
  );
}

function row(msg, view, ctx, opts) {
  const who = author(msg, view);
  const source = { channel: view.channel.id, messageTs: msg.ts, ephemeral: Boolean(msg.ephemeral) };
  const cls = ['message', opts.compact ? 'compact' : '', msg.ephemeral ? 'ephemeral' : '', opts.reply ? 'reply' : ''].filter(Boolean).join(' ');
  return h(
    'div',
    { class: cls, 'data-testid': 'message', dataset: { ts: msg.ts, ephemeral: msg.ephemeral ? 'true' : undefined } },
    h('div', { class: 'gutter' }, opts.compact ? h('span', { class: 'hover-time' }, timeOf(msg.ts)) : avatar(who, opts.reply)),
    h(
      'div',
      { class: 'message-content' },
      msg.ephemeral ? h('div', { class: 'only-you' }, icon('eye', 14), 'Only visible to you') : null,
      opts.compact ? null : header(who, msg),
      body(msg, ctx, source),
      msg.ephemeral ? h('button', { type: 'button', class: 'link dismiss', onclick: () => ctx.dismiss(msg.ts) }, 'Dismiss message') : null,
      opts.thread ?? null,
    ),
  );
}

function threadSummary(parent, replies, view, ctx) {
  if (replies.length === 0) return null;
  const open = view.expanded.has(parent.ts);
  const people = [...new Map(replies.map((r) => [author(r, view).id, author(r, view)])).values()].slice(0, 5);
  const last = replies[replies.length - 1];
  const toggle = h(
    'button',
    { type: 'button', class: 'thread-toggle', 'data-testid': 'thread-toggle', 'aria-expanded': String(open), onclick: () => ctx.toggleThread(parent.ts) },
    h('span', { class: 'thread-avatars' }, people.map((p) => avatar(p, true))),
    h('span', { class: 'reply-count' }, `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`),
    h('span', { class: 'thread-meta' }, open ? 'Hide replies' : `Last reply at ${timeOf(last.ts)}`),
  );
  const list = open ? h('div', { class: 'thread-replies' }, replies.map((r) => row(r, view, ctx, { reply: true }))) : null;
  return fragment(toggle, list);
}

function byTs(a, b) {
  return Number(a.ts) - Number(b.ts);
}

export function renderMessages(view, ctx) {
  const mine = view.ephemerals.map((e) => ({ ...e, ephemeral: true }));
  const all = [...view.messages, ...mine];
  const isTop = (m) => m.thread_ts === undefined || m.thread_ts === m.ts || !view.messages.some((p) => p.ts === m.thread_ts);
  const top = all.filter(isTop).sort(byTs);
  const name = view.channel.name;
  const out = [
    h(
      'div',
      { class: 'channel-intro' },
      h('h2', null, `# ${name}`),
      h('p', null, 'This is the very beginning of the ', h('b', null, `#${name}`), ' channel. Rewind posts its live recovery runs here; type ', h('code', { class: 'code-inline' }, `${view.command} help`), ' below to start.'),
    ),
  ];
  let prev = null;
  let day = '';
  for (const msg of top) {
    const replies = all.filter((r) => r !== msg && !isTop(r) && r.thread_ts === msg.ts).sort(byTs);
    const label = dayLabel(tsDate(msg.ts));
    if (label !== day) {
      out.push(h('div', { class: 'day-divider' }, h('span', null, label)));
      day = label;
      prev = null;
    }
    const who = author(msg, view);
    const compact = Boolean(
      prev && !prev.ephemeral && !msg.ephemeral && author(prev, view).id === who.id && !prev.hasReplies && (Number(msg.ts) - Number(prev.ts)) * 1000 < GROUP_MS,
    );
    out.push(row(msg, view, ctx, { compact, thread: threadSummary(msg, replies, view, ctx) }));
    prev = { ...msg, hasReplies: replies.length > 0 };
  }
  return fragment(out);
}
