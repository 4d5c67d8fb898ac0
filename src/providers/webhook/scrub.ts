/**
 * Removes secrets from text that is about to be shown to people (error messages, check values):
 * the given secret values, passwords in connection URLs, and `"password": "…"`-style fields.
 * Then truncates, so a huge response body cannot flood a Slack message.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = [], maxLength = 300): string {
  let out = text;
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of values) out = out.split(s).join('***');
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1***@');
  out = out.replace(/("?(?:password|passwd|pwd|secret|token|api[_-]?key|authorization)"?\s*[:=]\s*)("[^"]*"|[^\s,&}]+)/gi, '$1***');
  return out.length > maxLength ? `${out.slice(0, maxLength)}… (truncated)` : out;
}

/** Secrets hidden inside a connection URL: the whole URL and its password. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [url, password] : [url];
  } catch {
    return [url];
  }
}

/** A URL fit for messages: scheme, host and path, no credentials or query string. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
