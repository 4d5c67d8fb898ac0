import { parseDuration } from '../config/duration';
import { closestMatch } from '../config/closest';
import { isValidTimeZone, knownTimeZones } from '../config/timezone';
import type { RestoreTarget } from '../providers/ports';
import { formatOffset, isUtcZone, resolveLocalTime, wallClock, wallTimeAsUtcMs, zoneAbbreviation, type WallTime } from './zoned-time';

/**
 * Restore targets as people type them in Slack. A time is accepted only when its instant is
 * unambiguous: a zone-less time, a local time skipped or repeated by a clock change, and a
 * time in the future are refused with the reading we would have used spelled out. Messages
 * are plain text that quote the input; escape them before putting them into mrkdwn.
 */

export type TargetErrorCode =
  | 'TARGET_EMPTY'
  | 'TARGET_TOO_LONG'
  | 'TARGET_UNRECOGNISED'
  | 'TARGET_NO_ZONE'
  | 'TARGET_NO_TIME'
  | 'TARGET_NO_DATE'
  | 'TARGET_BAD_DATE'
  | 'TARGET_BAD_TIME'
  | 'TARGET_BAD_OFFSET'
  | 'TARGET_ZONE_ABBREVIATION'
  | 'TARGET_UNKNOWN_ZONE'
  | 'TARGET_NONEXISTENT_LOCAL_TIME'
  | 'TARGET_AMBIGUOUS_LOCAL_TIME'
  | 'TARGET_BAD_DURATION'
  | 'TARGET_FUTURE';

/** `utc` is the instant as ISO 8601 in UTC ("2024-05-01T10:02:00Z"), or "latest". */
export type ParseTargetResult = { ok: true; target: RestoreTarget; utc: string } | { ok: false; code: TargetErrorCode; message: string };

export interface ParseTargetOptions {
  now: Date;
  /** The channel's zone: a zone-less time is still refused, but its reading there is offered too. */
  defaultZone?: string;
}

/** Longer input is refused without being echoed (it is not a time, and echoing it floods Slack). */
export const MAX_TARGET_LENGTH = 100;

const EXAMPLES = '2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, 15m ago, or latest';
const ABSOLUTE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(.*)$/;
const TIME_ONLY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(\s.*|[Zz]|[+-].*)?$/;
const OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?$/;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Failure = Extract<ParseTargetResult, { ok: false }>;
const fail = (code: TargetErrorCode, message: string): Failure => ({ ok: false, code, message });

/** Parses `text` into a restore target at or before `opts.now`; never throws. */
export function parseTarget(text: string, opts: ParseTargetOptions): ParseTargetResult {
  const input = String(text).trim().replace(/\s+/g, ' ');
  if (input === '') return fail('TARGET_EMPTY', `No restore time was given. Write it like ${EXAMPLES}.`);
  if (input.length > MAX_TARGET_LENGTH) {
    return fail('TARGET_TOO_LONG', `The restore time is ${input.length} characters long; Rewind expects at most ${MAX_TARGET_LENGTH}. Write it like ${EXAMPLES}.`);
  }
  const lower = input.toLowerCase();
  if (lower === 'latest') return { ok: true, target: { kind: 'latest' }, utc: 'latest' };
  if (lower === 'now') return fail('TARGET_UNRECOGNISED', '"now" is not a restore point Rewind can promise. Use latest to restore to the newest restorable time, or a time like 15m ago.');
  const relative = /^(.+?) ago$/i.exec(input);
  if (relative) return parseRelative(input, relative[1] ?? '', opts.now);
  const absolute = ABSOLUTE.exec(input);
  if (absolute) return parseAbsolute(input, absolute, opts);
  const timeOnly = TIME_ONLY.exec(input);
  if (timeOnly) {
    const today = opts.now.toISOString().slice(0, 10);
    const example = timeOnly[4] === undefined ? `${today}T${pad(Number(timeOnly[1]))}:${timeOnly[2]}:${timeOnly[3] ?? '00'}Z` : `${today} ${input}`;
    return fail('TARGET_NO_DATE', `${show(input)} has no date. Write the date too, like ${example}.`);
  }
  return fail('TARGET_UNRECOGNISED', `${show(input)} is not a time Rewind understands. Write it like ${EXAMPLES}.`);
}

function parseRelative(input: string, amount: string, now: Date): ParseTargetResult {
  const ms = parseDuration(amount.replace(/ /g, ''));
  if (ms === undefined) {
    return fail('TARGET_BAD_DURATION', `${show(amount)} is not a duration. Write it like 15m, 2h, 90s or 1h30m, as in "1h30m ago".`);
  }
  // "15m ago" means a whole second: down to the second, so the time shown is the time restored to.
  const at = new Date(Math.floor((now.getTime() - ms) / 1000) * 1000);
  if (Number.isNaN(at.getTime())) return fail('TARGET_BAD_DURATION', `${show(input)} reaches back further than any backup; pick a time within the restorable window.`);
  return ok(at, input, now);
}

function parseAbsolute(input: string, m: RegExpExecArray, opts: ParseTargetOptions): ParseTargetResult {
  const [, y = '', mo = '', d = '', h, mi, s, frac, rest = ''] = m;
  const date = { year: Number(y), month: Number(mo), day: Number(d) };
  const dateProblem = checkDate(y, date);
  if (dateProblem) return fail('TARGET_BAD_DATE', dateProblem);
  const zonePart = rest.trim();
  if (h === undefined || mi === undefined) {
    if (zonePart !== '' && !ZONE_NAME.test(zonePart)) return fail('TARGET_UNRECOGNISED', `${show(input)} is not a time Rewind understands. Write it like ${EXAMPLES}.`);
    const asUtc = `${y}-${pad(date.month)}-${pad(date.day)}T00:00:00Z`;
    return fail('TARGET_NO_TIME', `${show(input)} has a date but no time. Write the time and a zone too, like ${asUtc}.`);
  }
  if (frac !== undefined && frac.length > 9) return fail('TARGET_BAD_TIME', `${show(input)} has more than 9 digits of fractional seconds; write at most milliseconds, like 10:02:00.123Z.`);
  const wall: WallTime = { ...date, hour: Number(h), minute: Number(mi), second: Number(s ?? 0), millisecond: Number((frac ?? '0').padEnd(3, '0').slice(0, 3)) };
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return fail('TARGET_BAD_TIME', `${show(input)} has no such time of day: hours go 00-23, minutes and seconds 00-59. Write it like 2024-05-01T10:02:00Z.`);
  }
  const local = wallTimeAsUtcMs(wall);
  if (zonePart === '') return fail('TARGET_NO_ZONE', naiveMessage(input, wall, local, opts.defaultZone));
  if (/^z$/i.test(zonePart) || /^(utc|gmt)$/i.test(zonePart)) return ok(new Date(local), input, opts.now);
  const offset = OFFSET.exec(zonePart);
  if (offset) {
    const [, sign, oh = '', om = '00'] = offset;
    if (Number(oh) > 14 || Number(om) > 59) {
      return fail('TARGET_BAD_OFFSET', `${show(zonePart)} is not a UTC offset: offsets run from -12:00 to +14:00. Write it like +02:00 or -05:00.`);
    }
    const offsetMs = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    return ok(new Date(local - offsetMs), input, opts.now);
  }
  const bracketed = /^\[(.*)\]$/.exec(zonePart);
  return inZone(input, wall, bracketed ? (bracketed[1] ?? '') : zonePart, opts.now);
}

function checkDate(y: string, date: { year: number; month: number; day: number }): string | undefined {
  const written = `${y}-${pad(date.month)}-${pad(date.day)}`;
  if (date.year < 1970) return `${written} is before 1970, which no backup reaches. Write the full date, like 2024-05-01T10:02:00Z.`;
  if (date.month < 1 || date.month > 12) return `${written} is not a date: months go from 01 to 12. Dates are written year-month-day, like 2024-05-01.`;
  const days = new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  if (date.day < 1 || date.day > days) {
    return `${written} is not a date: ${MONTHS[date.month - 1] ?? ''} ${date.year} has ${days} days. Dates are written year-month-day, like 2024-05-01.`;
  }
  return undefined;
}

function inZone(input: string, wall: WallTime, zone: string, now: Date): ParseTargetResult {
  // CEST, EST, PST…: some are IANA names with surprising rules (EST never observes DST), so none are trusted.
  if (/^([A-Z]{2,5}|[a-z]{2,5})$/.test(zone)) {
    return fail('TARGET_ZONE_ABBREVIATION', `${show(zone)} is an abbreviation, and abbreviations are ambiguous (and silently ignore daylight saving). Use an offset like +02:00 or a zone like Europe/Berlin.`);
  }
  if (!ZONE_NAME.test(zone) || !isValidTimeZone(zone)) {
    const guess = ZONE_NAME.test(zone) ? closestMatch(zone, knownTimeZones()) : undefined;
    return fail('TARGET_UNKNOWN_ZONE', `${show(zone)} is not a time zone${guess ? `; did you mean ${guess}?` : '.'} Add Z, an offset like +02:00, or a zone like Europe/Berlin.`);
  }
  const r = resolveLocalTime(wall, zone);
  const written = `${isoDate(wall)} ${clock(wall)}`;
  if (r.kind === 'gap') {
    const hhmm = (offsetMs: number) => new Date(r.transitionMs + offsetMs).toISOString().slice(11, 16);
    const from = `${hhmm(r.offsetBeforeMs)} ${zoneAbbreviation(zone, r.transitionMs - 1000)}`;
    const to = `${hhmm(r.offsetAfterMs)} ${zoneAbbreviation(zone, r.transitionMs)}`;
    const suggestion = `${isoDate(wall)}T${clock(wall)}${formatOffset(r.offsetBeforeMs)}`;
    return fail(
      'TARGET_NONEXISTENT_LOCAL_TIME',
      `${written} did not happen in ${zone}: the clocks jumped from ${from} to ${to} that night. Pick a time outside the gap, or give the offset you mean, like ${suggestion}.`,
    );
  }
  if (r.kind === 'ambiguous') {
    const reading = (ms: number) => `${isoUtc(new Date(ms))} (${zoneAbbreviation(zone, ms)}, ${formatOffset(wall2offset(wall, ms))})`;
    const suggestion = `${isoDate(wall)}T${clock(wall)}${formatOffset(wall2offset(wall, r.earlierMs))}`;
    return fail(
      'TARGET_AMBIGUOUS_LOCAL_TIME',
      `${written} happened twice in ${zone} because the clocks went back that night: at ${reading(r.earlierMs)} and at ${reading(r.laterMs)}. Add the offset you mean, like ${suggestion}.`,
    );
  }
  return ok(new Date(r.utcMs), input, now);
}

function naiveMessage(input: string, wall: WallTime, local: number, defaultZone?: string): string {
  let meant = isoUtc(new Date(local));
  if (defaultZone !== undefined && isValidTimeZone(defaultZone) && !isUtcZone(defaultZone)) {
    const r = resolveLocalTime(wall, defaultZone);
    if (r.kind === 'unique') meant += `, or ${isoUtc(new Date(r.utcMs))} (${clock(wall).slice(0, 5)} in ${defaultZone}, this channel's zone)`;
  }
  return `${show(input)} has no time zone. Did you mean ${meant}? Add Z, an offset like +02:00, or a zone like Europe/Berlin.`;
}

function ok(at: Date, input: string, now: Date): ParseTargetResult {
  const utc = isoUtc(at);
  if (at.getTime() > now.getTime()) {
    const written = utc === input ? utc : `${show(input)} (${utc})`;
    return fail('TARGET_FUTURE', `${written} is in the future (now is ${isoUtc(new Date(Math.floor(now.getTime() / 1000) * 1000))}). A restore can only go back in time: pick an earlier time, or use latest.`);
  }
  return { ok: true, target: { kind: 'time', at }, utc };
}

/** ISO 8601 in UTC without zero milliseconds: "2024-05-01T10:02:00Z", "2024-05-01T10:02:00.123Z". */
export function isoUtc(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** "2024-05-01 10:02:00 UTC (12:02:00 CEST Europe/Berlin)"; the local date is added when it differs. */
export function describeTarget(target: RestoreTarget, zone: string): string {
  if (target.kind === 'latest') return 'the latest restorable time';
  if (target.kind === 'backup') return `backup ${target.backupId}`;
  const u = wallClock(target.at.getTime(), 'UTC');
  const text = `${u.date} ${u.time} UTC`;
  if (isUtcZone(zone) || !isValidTimeZone(zone)) return text;
  const l = wallClock(target.at.getTime(), zone);
  return `${text} (${l.date === u.date ? '' : `${l.date} `}${l.time} ${l.abbreviation} ${zone})`;
}

/** What a restore to `target` loses, in one sentence; `latestRestorable` names the instant for "latest". */
export function dataLossStatement(target: RestoreTarget, latestRestorable?: Date): string {
  const at = target.kind === 'time' ? target.at : target.kind === 'latest' ? latestRestorable : undefined;
  if (at !== undefined) {
    const u = wallClock(at.getTime(), 'UTC');
    const which = target.kind === 'latest' ? ' (the latest restorable time)' : '';
    return `Writes after ${u.time} UTC on ${u.date}${which} will not be in the restored copy.`;
  }
  if (target.kind === 'backup') return `Writes after backup ${target.backupId} was taken will not be in the restored copy.`;
  return 'Writes after the latest restorable time (checked when the restore starts) will not be in the restored copy.';
}

function wall2offset(wall: WallTime, utcMs: number): number {
  return wallTimeAsUtcMs(wall) - utcMs;
}

function isoDate(w: WallTime): string {
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

function clock(w: WallTime): string {
  return `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${w.millisecond ? `.${String(w.millisecond).padStart(3, '0')}` : ''}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The input as quoted in a message: control characters removed, long input shortened. */
function show(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 57)}...` : clean).replace(/\\"/g, "'");
}
