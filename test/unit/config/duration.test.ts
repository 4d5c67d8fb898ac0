import { durationSchema, formatDuration, parseDuration } from '../../../src/config/duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['90d', 7_776_000_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    [' 5m ', 300_000],
    ['0s', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'fast', '15', 'm', '1.5h', '-5m', '30m1h', '1h1h', '5 m', '1w', '15M', '1h 30m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [30_000, '30s'],
    [5_400_000, '1h30m'],
    [604_800_000, '7d'],
    [93_784_005, '1d2h3m4s5ms'],
    [-90_000, '-1m30s'],
    [1_499.6, '1s500ms'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips with parseDuration', () => {
    const samples = [1, 999, 1_000, 59_999, 60_000, 3_599_999, 86_400_000, 90 * 86_400_000 + 1];
    for (let i = 0; i < 200; i++) samples.push(Math.floor(Math.random() * 400 * 86_400_000));
    for (const ms of samples) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('durationSchema', () => {
  it('outputs milliseconds', () => {
    expect(durationSchema().parse('1h30m')).toBe(5_400_000);
  });

  it('says what it expected', () => {
    const result = durationSchema('5s').safeParse('soon');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected a duration like "5s" or "1h30m", got "soon"');
  });
});
