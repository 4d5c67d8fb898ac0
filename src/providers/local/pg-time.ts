/**
 * PostgreSQL timestamps carry microseconds, JavaScript Dates milliseconds; Rewind compares in
 * microseconds since the Unix epoch (bigint) so a commit is never mis-ordered against a target.
 */

export type Micros = bigint;

export function dateToMicros(d: Date): Micros {
  return BigInt(d.getTime()) * 1000n;
}

/** Rounds down to the millisecond. */
export function microsToDate(us: Micros): Date {
  const ms = us >= 0n ? us / 1000n : -((-us + 999n) / 1000n);
  return new Date(Number(ms));
}

/** Rounds up to the millisecond, so a Date shown to a user still includes the instant. */
export function microsToDateCeil(us: Micros): Date {
  return microsToDate(us + 999n);
}

/**
 * Parses what the server and pg_waldump print: "2024-05-01 10:02:00.123456+00", "… UTC",
 * "…+05:30". Without a zone the value is taken as UTC (our children run with TZ=UTC).
 */
export function parsePgTimestamp(text: string): Micros {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s*(UTC|GMT|Z|[+-]\d\d(?::?\d\d)?)?$/.exec(text.trim());
  if (!m) throw new Error(`not a PostgreSQL timestamp: ${text}`);
  const n = (i: number) => Number(m[i] ?? '0');
  const ms = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6));
  const frac = BigInt((m[7] ?? '').padEnd(6, '0') || '0');
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * (zone.startsWith('-') ? -1 : 1);
  }
  return BigInt(ms) * 1000n + frac - BigInt(offsetMinutes) * 60_000_000n;
}

function parts(us: Micros): { date: string; time: string; frac: string } {
  const date = microsToDate(us);
  const frac = (((us % 1_000_000n) + 1_000_000n) % 1_000_000n).toString().padStart(6, '0');
  const iso = date.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), frac };
}

/** The form recovery_target_time accepts: "YYYY-MM-DD HH:MM:SS.ffffff+00:00" (a trailing Z is rejected). */
export function formatRecoveryTargetTime(us: Micros): string {
  const p = parts(us);
  return `${p.date} ${p.time}.${p.frac}+00:00`;
}

/** ISO 8601 in UTC with microseconds, for messages: "2024-05-01T10:02:00.123456Z". */
export function formatIsoMicros(us: Micros): string {
  const p = parts(us);
  return `${p.date}T${p.time}.${p.frac}Z`;
}
