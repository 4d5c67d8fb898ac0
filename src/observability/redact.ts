/**
 * Secret scrubbing shared by the logger, Slack messages and the audit trail.
 *
 * Two layers: values under secret-looking keys are replaced whole (`REDACTED`), and every string
 * is scanned for secret-shaped substrings (Slack tokens, URL passwords, `password=` pairs,
 * bearer/basic credentials, PEM private keys), which are replaced by `MASK` in place so the
 * rest of the string stays readable. Over-scrubbing is preferred to leaking.
 */

export const REDACTED = '[REDACTED]';
export const MASK = '***';

type Rule = readonly [pattern: RegExp, replacement: string | ((match: string, ...groups: string[]) => string)];

// Quantifiers that can start at many positions are bounded so that scanning stays linear on
// pathological input. Order matters: query-string pairs are handled before the generic
// `key=value` rule so that the latter does not swallow the rest of a URL.
const STRING_RULES: readonly Rule[] = [
  // PEM private keys, whole block.
  [/-----BEGIN ((?:[A-Z]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`],
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-, xoxe- (and xoxe.xoxp- refresh pairs), xapp-.
  [/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, `$1-${MASK}`],
  // Slack incoming-webhook and workflow URLs carry their secret in the path.
  [/\b(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/g, `$1${MASK}`],
  // scheme://user:password@host: like WHATWG URL parsing, the authority ends at / ? # and the
  // userinfo ends at its last @, so passwords containing @ or : are masked whole.
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@]*:)[^\s/?#]*@/gi, `$1${MASK}@`],
  // Query-string credentials: ?password=…&, &access_token=…
  [/([?&;][\w.-]{0,64}?(?:password|passwd|pwd|secret|token|api[_-]?key|signature))=[^&#\s]*/gi, `$1=${MASK}`],
  // key=value credentials (libpq conninfo, env dumps, .NET connection strings): quoted or bare.
  [/(?<![?&;\w.-])\b([\w.-]{0,64}?(?:password|passwd|pwd|secret|token|api[_-]?key))(\s*=\s*)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s'"][^\s]*)/gi, `$1$2${MASK}`],
  // JSON embedded in strings: "password": "…"
  [/("[\w.-]{0,64}?(?:password|passwd|secret|token|api[_-]?key|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${MASK}"`],
  // Authorization headers, with or without a scheme.
  [/\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|digest|token|bot)\s+)?[^\s"',;]+/gi, (_m, head: string, scheme?: string) => `${head}${scheme ? `${scheme} ` : ''}${MASK}`],
  // Bare bearer credentials ("Basic" is left alone here: too common in prose).
  [/\b(bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, `$1 ${MASK}`],
];

/** Returns `s` with every secret-shaped substring masked; other text is unchanged. */
export function redactString(s: string): string {
  let out = s;
  for (const [pattern, replacement] of STRING_RULES) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

// Keys whose values are secrets whatever they look like. Matched on the key lower-cased with
// `_` and `-` removed, so `SLACK_BOT_TOKEN`, `botToken` and `bot-token` are all caught.
const SECRET_KEY =
  /(password|passwd|passphrase|secret|token|apikey|privatekey|secretaccesskey|credentials?|authorization|cookie|signingkey)$/;
const SECRET_KEY_EXACT = new Set(['pwd', 'pass', 'auth', 'proxyauthorization', 'setcookie', 'xapikey']);
// Names that end like a secret but only describe one.
const NOT_SECRET_KEY = /(secretarn|secretid|secretname|tokentype|tokencount)$/;

/** True when values stored under `key` must never be shown. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  if (NOT_SECRET_KEY.test(k)) return false;
  return SECRET_KEY_EXACT.has(k) || SECRET_KEY.test(k);
}

/**
 * Deep copy of `v` with secrets removed; `v` itself is never modified.
 * - strings are passed through `redactString`;
 * - values under secret keys become `REDACTED` (booleans, null and undefined are kept: they
 *   reveal nothing and "has a password: true" is useful);
 * - arrays, plain objects, Maps and Sets are copied; class instances keep their prototype;
 * - Errors are copied with their prototype, name, message, stack, cause and own fields;
 * - objects with `toJSON` (URL, …) are replaced by their redacted JSON form; Dates and binary
 *   buffers are returned as they are;
 * - a reference to an enclosing object (a cycle) becomes `'[Circular]'`.
 */
export function redactValue<T>(v: T): T {
  return walk(v, new Set()) as T;
}

function walk(v: unknown, ancestors: Set<object>): unknown {
  if (typeof v === 'string') return redactString(v);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (ancestors.has(v)) return '[Circular]';
  ancestors.add(v);
  try {
    if (Array.isArray(v)) return v.map((item) => walk(item, ancestors));
    if (v instanceof Error) return copyError(v, ancestors);
    if (v instanceof Map) {
      const m = new Map<unknown, unknown>();
      for (const [k, val] of v) m.set(walk(k, ancestors), typeof k === 'string' ? entry(k, val, ancestors) : walk(val, ancestors));
      return m;
    }
    if (v instanceof Set) return new Set([...v].map((item) => walk(item, ancestors)));
    const proto: unknown = Object.getPrototypeOf(v);
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && proto !== Object.prototype && proto !== null) {
      return walk(toJSON.call(v), ancestors);
    }
    const out = Object.create(proto as object | null) as Record<string, unknown>;
    for (const key of Object.keys(v)) out[key] = entry(key, (v as Record<string, unknown>)[key], ancestors);
    return out;
  } finally {
    ancestors.delete(v);
  }
}

function entry(key: string, value: unknown, ancestors: Set<object>): unknown {
  if (isSecretKey(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  return walk(value, ancestors);
}

function copyError(err: Error, ancestors: Set<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
  const hidden = (key: string, value: unknown): void => {
    Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
  };
  hidden('message', redactString(err.message));
  if (err.stack !== undefined) hidden('stack', redactString(err.stack));
  if (Object.prototype.hasOwnProperty.call(err, 'name')) hidden('name', walk(err.name, ancestors));
  if ('cause' in err) hidden('cause', walk(err.cause, ancestors));
  if (err instanceof AggregateError) hidden('errors', walk(err.errors, ancestors));
  const fields = copy as unknown as Record<string, unknown>;
  for (const key of Object.keys(err)) fields[key] = entry(key, (err as unknown as Record<string, unknown>)[key], ancestors);
  return copy;
}
