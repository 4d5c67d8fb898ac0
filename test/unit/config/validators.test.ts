import { closestMatch } from '../../../src/config/closest';
import { formatPath } from '../../../src/config/config-path';
import { cronProblem } from '../../../src/config/cron';
import { SLACK_CHANNEL_ID, SLACK_USER_ID } from '../../../src/config/slack-ids';
import { isValidTimeZone, timeZoneProblem } from '../../../src/config/timezone';

describe('cronProblem', () => {
  it.each(['0 3 * * 1', '*/5 * * * *', '0 4 1-7 * MON', '30 2 * * 1-5'])('accepts %j', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it('refuses anything but five fields, including seconds and macros', () => {
    expect(cronProblem('0 0 3 * * 1')).toBe(
      'expected a 5-field cron expression like "0 3 * * 1" (minute hour day-of-month month day-of-week), got "0 0 3 * * 1" (6 fields)',
    );
    expect(cronProblem('@daily')).toMatch(/got "@daily" \(1 field\)$/);
  });

  it('explains an out-of-range field', () => {
    expect(cronProblem('0 25 * * *')).toBe(
      'invalid cron expression "0 25 * * *": Constraint error, got value 25 expected range 0-23; write 5 fields (minute hour day-of-month month day-of-week) like "0 3 * * 1"',
    );
  });
});

describe('time zones', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Etc/UTC'])('accepts %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Olympus', '+01:00', 'CEST+1'])('refuses %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });

  it('suggests the zone that was probably meant', () => {
    expect(timeZoneProblem('America/New_Yrok')).toBe(
      'unknown time zone "America/New_Yrok"; did you mean "America/New_York"? use an IANA name like "Europe/Berlin" or "UTC"',
    );
  });
});

describe('Slack IDs', () => {
  it('tells users from channels', () => {
    expect(SLACK_USER_ID.test('U0123456789')).toBe(true);
    expect(SLACK_USER_ID.test('W0123456789')).toBe(true);
    expect(SLACK_USER_ID.test('C0123456789')).toBe(false);
    expect(SLACK_USER_ID.test('U01')).toBe(false);
    expect(SLACK_CHANNEL_ID.test('C0123456789')).toBe(true);
    expect(SLACK_CHANNEL_ID.test('G0123456789')).toBe(true);
    expect(SLACK_CHANNEL_ID.test('#incidents')).toBe(false);
  });
});

describe('helpers', () => {
  it('suggests only plausible typos', () => {
    expect(closestMatch('rtoo', ['rto', 'rpo'])).toBe('rto');
    expect(closestMatch('aprovers', ['approvers', 'operators'])).toBe('approvers');
    expect(closestMatch('foo', ['rto', 'rpo'])).toBeUndefined();
  });

  it('writes paths the way they read in YAML', () => {
    expect(formatPath(['databases', 'prod-db-01', 'cutover', 1, 'headers', 'X.Y'])).toBe('databases.prod-db-01.cutover[1].headers["X.Y"]');
  });
});
