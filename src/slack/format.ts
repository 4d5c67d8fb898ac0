import { formatDuration } from '../config/duration';
import { isValidTimeZone } from '../config/timezone';
import { isUtcZone, wallClock } from '../recovery/zoned-time';

/**
 * Times and durations as the live message shows them: durations to the second below an hour and
 * to the minute above ("6m12s", "1h5m"); clock times in UTC first, the channel's zone second.
 */

export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const unit = abs >= 3_600_000 ? 60_000 : 1000;
  return formatDuration(Math.round(ms / unit) * unit);
}

/** "10:04 UTC". */
export function utcClock(d: Date): string {
  return `${wallClock(d.getTime(), 'UTC').hhmm} UTC`;
}

/** "10:04 UTC (12:04 CEST)", or "10:04 UTC" when the zone is UTC or unusable. */
export function dualClock(d: Date, zone: string): string {
  const utc = utcClock(d);
  if (isUtcZone(zone) || !isValidTimeZone(zone)) return utc;
  const local = wallClock(d.getTime(), zone);
  return `${utc} (${local.hhmm} ${local.abbreviation})`;
}

/** "2024-05-01 10:02:00 UTC". */
export function utcDateTime(d: Date): string {
  const u = wallClock(d.getTime(), 'UTC');
  return `${u.date} ${u.time} UTC`;
}
