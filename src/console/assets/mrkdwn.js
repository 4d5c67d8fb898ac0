import { fragment, h } from './dom.js';
import { emojify } from './emoji.js';

// Slack's mrkdwn, rendered to DOM nodes (never HTML strings): *bold*, _italic_, ~strike~,
// `code`, ```pre```, > quotes, line breaks, <@U…> mentions, <#C…|name> channels, <!here>,
// <url|text> links and :emoji:. Senders escape &, < and > as entities; they are decoded only
// inside text nodes.

const INLINE = new RegExp(
  [
    '`([^`\\n]+)`',
    '<([^<>\\n]+)>',
    '(?<![\\w*])\\*(?=\\S)([^*\\n]*?\\S)\\*(?![\\w*])',
    '(?<![\\w_])_(?=\\S)([^_\\n]*?\\S)_(?![\\w_])',
    '(?<![\\w~])~(?=\\S)([^~\\n]*?\\S)~(?![\\w~])',
  ].join('|'),
  'g',
);

export function decodeEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function plain(text) {
  return emojify(decodeEntities(text));
}

const SAFE_URL = /^(https?:|mailto:)/i;

function entity(inner, ctx) {
  const [target, label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return h('span', { class: 'mention', dataset: { user: id } }, `@${label ?? ctx.userName(id)}`);
  }
  if (target.startsWith('#')) {
    return h('span', { class: 'mention' }, `#${label ?? ctx.channelName(target.slice(1))}`);
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (['here', 'channel', 'everyone'].includes(special)) return h('span', { class: 'mention mention-broadcast' }, `@${special}`);
    return document.createTextNode(plain(label ?? special));
  }
  const url = decodeEntities(target);
  if (!SAFE_URL.test(url)) return document.createTextNode(plain(label ?? target));
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, plain(label ?? target));
}

function splitOnce(text, sep) {
  const i = text.indexOf(sep);
  return i < 0 ? [text] : [text.slice(0, i), text.slice(i + 1)];
}

/** One line's inline formatting; bold, italic and strike nest. */
function inline(text, ctx) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(plain(text.slice(last, m.index)));
    if (m[1] !== undefined) out.push(h('code', { class: 'code-inline' }, decodeEntities(m[1])));
    else if (m[2] !== undefined) out.push(entity(m[2], ctx));
    else if (m[3] !== undefined) out.push(h('b', null, inline(m[3], ctx)));
    else if (m[4] !== undefined) out.push(h('i', null, inline(m[4], ctx)));
    else if (m[5] !== undefined) out.push(h('s', null, inline(m[5], ctx)));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(plain(text.slice(last)));
  return out;
}

const QUOTE = /^(?:&gt;|>)\s?/;

/** Lines with quotes grouped into blockquotes and breaks between the rest. */
function lines(text, ctx) {
  const out = [];
  let quote = null;
  text.split('\n').forEach((line, i, all) => {
    if (QUOTE.test(line)) {
      if (!quote) out.push((quote = h('blockquote', { class: 'quote' })));
      else quote.append(h('br'));
      quote.append(...inline(line.replace(QUOTE, ''), ctx).map(asNode));
      return;
    }
    quote = null;
    out.push(...inline(line, ctx));
    if (i < all.length - 1 && !QUOTE.test(all[i + 1] ?? '')) out.push(h('br'));
  });
  return out;
}

function asNode(x) {
  return x instanceof Node ? x : document.createTextNode(String(x));
}

/** ctx: { userName(id), channelName(id) } → a fragment to append. */
export function mrkdwn(text, ctx) {
  const parts = [];
  let last = 0;
  for (const m of String(text ?? '').matchAll(/```([\s\S]*?)```/g)) {
    if (m.index > last) parts.push(lines(text.slice(last, m.index), ctx));
    parts.push(h('pre', { class: 'code-block' }, decodeEntities(m[1].replace(/^\n/, ''))));
    last = m.index + m[0].length;
  }
  if (last < String(text ?? '').length) parts.push(lines(String(text).slice(last), ctx));
  return fragment(parts);
}

/** A Block Kit text object: mrkdwn formatted, plain_text with emoji only. */
export function textObject(t, ctx) {
  if (!t || typeof t.text !== 'string') return fragment();
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : fragment(t.emoji === false ? t.text : emojify(t.text));
}
