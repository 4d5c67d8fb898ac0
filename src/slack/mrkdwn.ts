/**
 * Text helpers for Slack messages. Anything not written by Rewind (step details, provider
 * errors, user input) goes through `escapeMrkdwn` before it lands in mrkdwn, so it can neither
 * ping (`<!channel>`) nor forge a link or mention. Lengths are UTF-16 code units, as Slack counts.
 */

/** Slack's three control characters; formatting characters are left alone (they cannot ping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` code units, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Escaped for mrkdwn and at most `max` code units, ending in "…" when cut; never splits an &entity; or a surrogate pair. */
export function escapeClip(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  if (max <= 0) return '';
  let out = '';
  for (const ch of raw) {
    const e = ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch;
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return `${out}…`;
}

/** One line: newlines and runs of spaces become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const SLACK_USER = /^[UW][A-Z0-9]{6,}$/;

/** `<@U…>` for a Slack user ID; anything else (e.g. "scheduler", "rewind") is shown escaped, as is. */
export function mention(user: string): string {
  return SLACK_USER.test(user) ? `<@${user}>` : escapeMrkdwn(user);
}
