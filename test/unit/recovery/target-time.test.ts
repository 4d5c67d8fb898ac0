import { dataLossStatement, describeTarget, parseTarget, type ParseTargetResult } from '../../../src/recovery/target-time';

const now = new Date('2024-11-01T12:00:00.500Z');

function utcOf(text: string, defaultZone?: string): string {
  const r = parseTarget(text, { now, defaultZone });
  if (!r.ok) throw new Error(`expected ${text} to parse, got ${r.code}: ${r.message}`);
  return r.utc;
}

function refusal(text: string, defaultZone?: string): Extract<ParseTargetResult, { ok: false }> {
  const r = parseTarget(text, { now, defaultZone });
  if (r.ok) throw new Error(`expected ${text} to be refused, got ${r.utc}`);
  return r;
}

describe('parseTarget accepts', () => {
  it.each([
    ['2024-05-01T10:02:00Z', '2024-05-01T10:02:00Z'],
    ['2024-05-01T10:02:00z', '2024-05-01T10:02:00Z'],
    ['2024-05-01 10:02Z', '2024-05-01T10:02:00Z'],
    ['2024-05-01T12:02:00+02:00', '2024-05-01T10:02:00Z'],
    ['2024-05-01T05:02:00-0500', '2024-05-01T10:02:00Z'],
    ['2024-05-01T15:32:00+05:30', '2024-05-01T10:02:00Z'],
    ['2024-05-01T10:02:00.123Z', '2024-05-01T10:02:00.123Z'],
    ['2024-05-01T10:02:00.5Z', '2024-05-01T10:02:00.500Z'],
    ['2024-05-01T10:02:00.123456789Z', '2024-05-01T10:02:00.123Z'],
    ['2024-05-01 10:02 UTC', '2024-05-01T10:02:00Z'],
    ['  2024-05-01T10:02:00Z  ', '2024-05-01T10:02:00Z'],
  ])('ISO 8601 with a zone: %s', (text, utc) => {
    expect(utcOf(text)).toBe(utc);
  });

  it.each([
    ['2024-05-01 12:02 Europe/Berlin', '2024-05-01T10:02:00Z'],
    ['2024-05-01T12:02:00 Europe/Berlin', '2024-05-01T10:02:00Z'],
    ['2024-01-15 12:00 Europe/Berlin', '2024-01-15T11:00:00Z'],
    ['2024-05-01T12:02:00 America/New_York', '2024-05-01T16:02:00Z'],
    ['2024-01-15 12:00 America/New_York', '2024-01-15T17:00:00Z'],
    ['2024-03-31 03:00 Europe/Berlin', '2024-03-31T01:00:00Z'],
    ['2024-03-31 01:59:59 Europe/Berlin', '2024-03-31T00:59:59Z'],
    ['2024-03-10 03:00 America/New_York', '2024-03-10T07:00:00Z'],
    ['2024-03-10 01:59 America/New_York', '2024-03-10T06:59:00Z'],
    ['2024-10-27 03:00 Europe/Berlin', '2024-10-27T02:00:00Z'],
    ['2024-07-01 12:00 Australia/Sydney', '2024-07-01T02:00:00Z'],
    ['2024-01-15 12:00 Australia/Sydney', '2024-01-15T01:00:00Z'],
    ['2024-05-01 12:00 Asia/Kolkata', '2024-05-01T06:30:00Z'],
    ['2024-05-01 12:00 Asia/Kathmandu', '2024-05-01T06:15:00Z'],
    ['2024-05-01 12:02 europe/berlin', '2024-05-01T10:02:00Z'],
    ['2024-05-01T12:02:00[Europe/Berlin]', '2024-05-01T10:02:00Z'],
  ])('a local time with an IANA zone: %s', (text, utc) => {
    expect(utcOf(text)).toBe(utc);
  });

  it.each([
    ['15m ago', '2024-11-01T11:45:00Z'],
    ['2h ago', '2024-11-01T10:00:00Z'],
    ['1h30m ago', '2024-11-01T10:30:00Z'],
    ['1h 30m ago', '2024-11-01T10:30:00Z'],
    ['90s ago', '2024-11-01T11:58:30Z'],
    ['1d AGO', '2024-10-31T12:00:00Z'],
  ])('relative, down to the whole second: %s', (text, utc) => {
    expect(utcOf(text)).toBe(utc);
  });

  it('latest, in any case', () => {
    expect(parseTarget('latest', { now })).toEqual({ ok: true, target: { kind: 'latest' }, utc: 'latest' });
    expect(parseTarget('LATEST', { now })).toEqual({ ok: true, target: { kind: 'latest' }, utc: 'latest' });
  });

  it('returns the instant as a Date target', () => {
    expect(parseTarget('2024-05-01T12:02:00+02:00', { now })).toEqual({ ok: true, target: { kind: 'time', at: new Date('2024-05-01T10:02:00Z') }, utc: '2024-05-01T10:02:00Z' });
  });
});

describe('parseTarget refuses', () => {
  it('a time without a zone, spelling out the UTC reading', () => {
    expect(refusal('2024-05-01 10:02')).toEqual({
      ok: false,
      code: 'TARGET_NO_ZONE',
      message: '"2024-05-01 10:02" has no time zone. Did you mean 2024-05-01T10:02:00Z? Add Z, an offset like +02:00, or a zone like Europe/Berlin.',
    });
    expect(refusal('2024-05-01T10:02:00').message).toBe(
      '"2024-05-01T10:02:00" has no time zone. Did you mean 2024-05-01T10:02:00Z? Add Z, an offset like +02:00, or a zone like Europe/Berlin.',
    );
  });

  it('a time without a zone, offering the channel zone reading too', () => {
    expect(refusal('2024-05-01 10:02', 'Europe/Berlin').message).toBe(
      '"2024-05-01 10:02" has no time zone. Did you mean 2024-05-01T10:02:00Z, or 2024-05-01T08:02:00Z (10:02 in Europe/Berlin, this channel\'s zone)? Add Z, an offset like +02:00, or a zone like Europe/Berlin.',
    );
    expect(refusal('2024-05-01 10:02', 'UTC').message).toContain('Did you mean 2024-05-01T10:02:00Z? Add Z');
  });

  it('a local time skipped by a spring-forward, explaining the jump', () => {
    const r = refusal('2024-03-31 02:30 Europe/Berlin');
    expect(r.code).toBe('TARGET_NONEXISTENT_LOCAL_TIME');
    expect(r.message).toBe(
      '2024-03-31 02:30:00 did not happen in Europe/Berlin: the clocks jumped from 02:00 CET to 03:00 CEST that night. Pick a time outside the gap, or give the offset you mean, like 2024-03-31T02:30:00+01:00.',
    );
    expect(refusal('2024-03-10 02:15 America/New_York').message).toContain('the clocks jumped from 02:00 EST to 03:00 EDT');
    expect(refusal('2024-10-06 02:30 Australia/Sydney').code).toBe('TARGET_NONEXISTENT_LOCAL_TIME');
  });

  it('a local time repeated by a fall-back, asking for an offset', () => {
    const r = refusal('2024-10-27 02:30 Europe/Berlin');
    expect(r.code).toBe('TARGET_AMBIGUOUS_LOCAL_TIME');
    expect(r.message).toBe(
      '2024-10-27 02:30:00 happened twice in Europe/Berlin because the clocks went back that night: at 2024-10-27T00:30:00Z (CEST, +02:00) and at 2024-10-27T01:30:00Z (CET, +01:00). Add the offset you mean, like 2024-10-27T02:30:00+02:00.',
    );
    expect(refusal('2024-11-03 01:30 America/New_York').message).toContain('at 2024-11-03T05:30:00Z (EDT, -04:00) and at 2024-11-03T06:30:00Z (EST, -05:00)');
    expect(refusal('2024-04-07 01:45 Australia/Lord_Howe').code).toBe('TARGET_AMBIGUOUS_LOCAL_TIME');
    // The suggested offset resolves the ambiguity.
    expect(utcOf('2024-10-27T02:30:00+02:00')).toBe('2024-10-27T00:30:00Z');
  });

  it('the future, naming now', () => {
    expect(refusal('2024-11-01T12:00:01Z')).toEqual({
      ok: false,
      code: 'TARGET_FUTURE',
      message: '2024-11-01T12:00:01Z is in the future (now is 2024-11-01T12:00:00Z). A restore can only go back in time: pick an earlier time, or use latest.',
    });
    expect(refusal('2024-11-01 14:00 Europe/Berlin').message).toBe(
      '"2024-11-01 14:00 Europe/Berlin" (2024-11-01T13:00:00Z) is in the future (now is 2024-11-01T12:00:00Z). A restore can only go back in time: pick an earlier time, or use latest.',
    );
    expect(utcOf('2024-11-01T12:00:00Z')).toBe('2024-11-01T12:00:00Z');
  });

  it.each([
    ['2024-02-30T10:00:00Z', '2024-02-30 is not a date: February 2024 has 29 days. Dates are written year-month-day, like 2024-05-01.'],
    ['2023-02-29T10:00:00Z', '2023-02-29 is not a date: February 2023 has 28 days. Dates are written year-month-day, like 2024-05-01.'],
    ['2024-04-31 10:00 Europe/Berlin', '2024-04-31 is not a date: April 2024 has 30 days. Dates are written year-month-day, like 2024-05-01.'],
    ['2024-13-01T10:00:00Z', '2024-13-01 is not a date: months go from 01 to 12. Dates are written year-month-day, like 2024-05-01.'],
    ['0099-01-01T00:00:00Z', '0099-01-01 is before 1970, which no backup reaches. Write the full date, like 2024-05-01T10:02:00Z.'],
  ])('a bad date: %s', (text, message) => {
    expect(refusal(text)).toEqual({ ok: false, code: 'TARGET_BAD_DATE', message });
  });

  it.each([
    ['2024-05-01T24:00:00Z', 'TARGET_BAD_TIME', 'hours go 00-23'],
    ['2024-05-01T10:60:00Z', 'TARGET_BAD_TIME', 'minutes and seconds 00-59'],
    ['2024-05-01T10:02:00.1234567890Z', 'TARGET_BAD_TIME', 'at most milliseconds'],
    ['2024-05-01T10:02:00+15:00', 'TARGET_BAD_OFFSET', 'offsets run from -12:00 to +14:00'],
    ['2024-05-01', 'TARGET_NO_TIME', 'has a date but no time. Write the time and a zone too, like 2024-05-01T00:00:00Z.'],
    ['2024-05-01 Europe/Berlin', 'TARGET_NO_TIME', 'has a date but no time'],
    ['10:02', 'TARGET_NO_DATE', '"10:02" has no date. Write the date too, like 2024-11-01T10:02:00Z.'],
    ['10:02 Europe/Berlin', 'TARGET_NO_DATE', 'like 2024-11-01 10:02 Europe/Berlin.'],
    ['2024-05-01 10:02 CEST', 'TARGET_ZONE_ABBREVIATION', '"CEST" is an abbreviation'],
    ['2024-05-01 10:02 EST', 'TARGET_ZONE_ABBREVIATION', 'Use an offset like +02:00 or a zone like Europe/Berlin.'],
    ['2024-05-01 10:02 Europe/Berln', 'TARGET_UNKNOWN_ZONE', '"Europe/Berln" is not a time zone; did you mean Europe/Berlin? Add Z, an offset like +02:00, or a zone like Europe/Berlin.'],
    ['2024-05-01 10:02 Mars/Olympus', 'TARGET_UNKNOWN_ZONE', '"Mars/Olympus" is not a time zone.'],
    ['10 minutes ago', 'TARGET_BAD_DURATION', '"10 minutes" is not a duration. Write it like 15m, 2h, 90s or 1h30m, as in "1h30m ago".'],
    ['30m1h ago', 'TARGET_BAD_DURATION', 'is not a duration'],
    ['now', 'TARGET_UNRECOGNISED', 'Use latest to restore to the newest restorable time'],
    ['yesterday', 'TARGET_UNRECOGNISED', '"yesterday" is not a time Rewind understands. Write it like 2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, 15m ago, or latest.'],
    ['', 'TARGET_EMPTY', 'No restore time was given.'],
    ['   ', 'TARGET_EMPTY', 'Write it like 2024-05-01T10:02:00Z'],
  ])('%s', (text, code, fragment) => {
    const r = refusal(text);
    expect(r.code).toBe(code);
    expect(r.message).toContain(fragment);
  });

  it('10 kB of input without echoing it', () => {
    const r = refusal(`2024-05-01T10:02:00Z${'9'.repeat(10_240)}`);
    expect(r.code).toBe('TARGET_TOO_LONG');
    expect(r.message).toBe('The restore time is 10260 characters long; Rewind expects at most 100. Write it like 2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, 15m ago, or latest.');
  });

  it.each([
    "2024-05-01'; DROP TABLE runs;--",
    "2024-05-01 10:02 Robert'); DROP TABLE runs;--",
    '2024-05-01 10:02 "Europe/Berlin"',
    "' OR 1=1 --",
    '<!channel> 2024-05-01',
    '2024-05-01\n10:02Z\u0000',
  ])('SQL, quotes and control characters without crashing or echoing control characters: %j', (text) => {
    const r = refusal(text);
    expect(r.message.length).toBeLessThan(400);
    // eslint-disable-next-line no-control-regex
    expect(r.message).not.toMatch(/[\u0000-\u001f]/);
    expect(r.message).not.toContain('\\"');
  });

  it('accepts newlines inside as spaces, since Slack may wrap', () => {
    expect(utcOf('2024-05-01\n10:02Z')).toBe('2024-05-01T10:02:00Z');
  });
});

describe('describeTarget', () => {
  const at = (iso: string) => ({ kind: 'time' as const, at: new Date(iso) });

  it('shows UTC first and the channel zone second', () => {
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'Europe/Berlin')).toBe('2024-05-01 10:02:00 UTC (12:02:00 CEST Europe/Berlin)');
    expect(describeTarget(at('2024-01-15T10:02:00Z'), 'Europe/Berlin')).toBe('2024-01-15 10:02:00 UTC (11:02:00 CET Europe/Berlin)');
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'America/New_York')).toBe('2024-05-01 10:02:00 UTC (06:02:00 EDT America/New_York)');
  });

  it('adds the local date when it differs, and an offset where no abbreviation exists', () => {
    expect(describeTarget(at('2024-05-01T23:30:00Z'), 'Europe/Berlin')).toBe('2024-05-01 23:30:00 UTC (2024-05-02 01:30:00 CEST Europe/Berlin)');
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'Asia/Kolkata')).toBe('2024-05-01 10:02:00 UTC (15:32:00 +05:30 Asia/Kolkata)');
  });

  it('shows UTC alone for UTC or an unusable zone, and milliseconds when present', () => {
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'UTC')).toBe('2024-05-01 10:02:00 UTC');
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'Etc/UTC')).toBe('2024-05-01 10:02:00 UTC');
    expect(describeTarget(at('2024-05-01T10:02:00Z'), 'Not/AZone')).toBe('2024-05-01 10:02:00 UTC');
    expect(describeTarget(at('2024-05-01T10:02:00.123Z'), 'UTC')).toBe('2024-05-01 10:02:00.123 UTC');
  });

  it('describes latest and backups', () => {
    expect(describeTarget({ kind: 'latest' }, 'Europe/Berlin')).toBe('the latest restorable time');
    expect(describeTarget({ kind: 'backup', backupId: 'rds:prod-2024-05-01' }, 'UTC')).toBe('backup rds:prod-2024-05-01');
  });
});

describe('dataLossStatement', () => {
  it('names the instant after which writes are lost', () => {
    expect(dataLossStatement({ kind: 'time', at: new Date('2024-05-01T10:02:00Z') })).toBe('Writes after 10:02:00 UTC on 2024-05-01 will not be in the restored copy.');
    expect(dataLossStatement({ kind: 'latest' }, new Date('2024-05-01T10:04:30Z'))).toBe(
      'Writes after 10:04:30 UTC on 2024-05-01 (the latest restorable time) will not be in the restored copy.',
    );
    expect(dataLossStatement({ kind: 'latest' })).toBe('Writes after the latest restorable time (checked when the restore starts) will not be in the restored copy.');
    expect(dataLossStatement({ kind: 'backup', backupId: 'b-1' })).toBe('Writes after backup b-1 was taken will not be in the restored copy.');
  });
});
