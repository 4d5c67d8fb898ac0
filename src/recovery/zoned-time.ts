/**
 * Wall-clock arithmetic for IANA time zones using only Intl (no tz database of our own), so
 * daylight saving rules are whatever this Node.js build ships. All functions are pure; the
 * formatter cache only memoizes.
 */

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** A local date and time as written, without a zone. Months are 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The wall time as if it were UTC, in epoch milliseconds: the "local epoch" the math below uses. */
export function wallTimeAsUtcMs(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

/** Offset of `zone` from UTC at the instant `ms`, in milliseconds (east of Greenwich is positive). */
export function offsetMsAt(zone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of wallFormatter(zone).formatToParts(new Date(whole))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const local = wallTimeAsUtcMs({
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: 0,
  });
  return local - whole;
}

/** How a local wall time maps to instants in a zone: once, never (spring-forward gap) or twice (fall-back). */
export type LocalResolution =
  | { kind: 'unique'; utcMs: number }
  | { kind: 'gap'; transitionMs: number; offsetBeforeMs: number; offsetAfterMs: number }
  | { kind: 'ambiguous'; earlierMs: number; laterMs: number };

/** Resolves a wall time in `zone` to the instants that show it there. */
export function resolveLocalTime(w: WallTime, zone: string): LocalResolution {
  const local = wallTimeAsUtcMs(w);
  // Any offset that can apply near this wall time is in effect within a day and a half of it.
  const offsets = new Set([-36, -12, 0, 12, 36].map((h) => offsetMsAt(zone, local + h * HOUR_MS)));
  const instants = [...offsets]
    .map((o) => local - o)
    .filter((u) => offsetMsAt(zone, u) === local - u)
    .sort((a, b) => a - b);
  const [first, second] = instants;
  if (first !== undefined && second !== undefined) return { kind: 'ambiguous', earlierMs: first, laterMs: second };
  if (first !== undefined) return { kind: 'unique', utcMs: first };
  const transitionMs = findTransition(zone, local - 26 * HOUR_MS, local + 26 * HOUR_MS);
  return { kind: 'gap', transitionMs, offsetBeforeMs: offsetMsAt(zone, transitionMs - 1000), offsetAfterMs: offsetMsAt(zone, transitionMs) };
}

/** First whole second in (lo, hi] whose offset differs from the offset at lo (binary search). */
function findTransition(zone: string, lo: number, hi: number): number {
  const start = offsetMsAt(zone, lo);
  let a = lo;
  let b = hi;
  while (b - a > 1000) {
    const mid = Math.floor((a + b) / 2000) * 1000;
    if (mid <= a || mid >= b) break;
    if (offsetMsAt(zone, mid) === start) a = mid;
    else b = mid;
  }
  return b;
}

/** "+02:00", "-04:00", "+05:30"; seconds are dropped (only historic local mean times have them). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * A short name for the zone at that instant: "CEST", "EDT", "BST", "UTC"; zones that have no
 * common abbreviation get their offset ("+05:30"), never a made-up name.
 */
export function zoneAbbreviation(zone: string, ms: number): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value;
    if (name !== undefined && !/^GMT[+-]/.test(name)) return name;
  }
  return formatOffset(offsetMsAt(zone, ms));
}

/** The calendar date and clock time at `ms` in `zone`: { date: "2024-05-01", time: "12:02:00", ... }. */
export function wallClock(ms: number, zone: string): { date: string; time: string; hhmm: string; abbreviation: string } {
  const local = new Date(ms + offsetMsAt(zone, ms));
  const iso = local.toISOString();
  const millis = local.getUTCMilliseconds();
  return {
    date: iso.slice(0, 10),
    time: iso.slice(11, 19) + (millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`),
    hhmm: iso.slice(11, 16),
    abbreviation: zoneAbbreviation(zone, ms),
  };
}

const UTC_NAMES = new Set(['utc', 'etc/utc', 'etc/uct', 'uct', 'gmt', 'etc/gmt', 'etc/zulu', 'zulu', 'universal', 'etc/universal']);

/** True for the names of UTC itself, where showing a second reading would only repeat the first. */
export function isUtcZone(zone: string): boolean {
  return UTC_NAMES.has(zone.toLowerCase());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
