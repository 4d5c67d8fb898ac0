import { ACTION, ACTION_ID_PATTERN, BLOCK, CALLBACK, encodeGateValue, encodeRetentionValue, encodeRunValue, parseGateValue, parseRetentionValue, parseRunValue } from '../../../src/slack/ids';

const value = { runId: 'r-k3m9qz', gate: 'cutover', planHash: 'e9196013a7301cb1' };

describe('ids', () => {
  it('keeps every id unique, short and matched by the action pattern', () => {
    const all = [...Object.values(ACTION), ...Object.values(BLOCK), ...Object.values(CALLBACK)];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id.length).toBeLessThanOrEqual(255);
    for (const id of Object.values(ACTION)) expect(id).toMatch(ACTION_ID_PATTERN);
  });

  it('round-trips gate and run values', () => {
    const text = encodeGateValue(value);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(parseGateValue(text)).toEqual(value);
    expect(parseRunValue(encodeRunValue({ runId: 'r-k3m9qz' }))).toEqual({ runId: 'r-k3m9qz' });
  });

  it('refuses to encode what would not parse back', () => {
    expect(() => encodeGateValue({ ...value, gate: 'Cut Over!' })).toThrow(/unexpected shape/);
    expect(() => encodeRunValue({ runId: '' })).toThrow(/unexpected shape/);
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an object instead of a string', value],
    ['empty', ''],
    ['not JSON', 'approve r-k3m9qz'],
    ['JSON null', 'null'],
    ['a JSON array', JSON.stringify([value])],
    ['a JSON string', JSON.stringify(JSON.stringify(value))],
    ['a missing field', JSON.stringify({ runId: 'r-k3m9qz', gate: 'cutover' })],
    ['an extra field', JSON.stringify({ ...value, approvedBy: 'U0ADMIN' })],
    ['a __proto__ field', '{"runId":"r-k3m9qz","gate":"cutover","planHash":"e9196013a7301cb1","__proto__":{"admin":true}}'],
    ['a non-string field', JSON.stringify({ ...value, planHash: 1234567890 })],
    ['a forged run id', JSON.stringify({ ...value, runId: "r-1'; DROP TABLE runs;--" })],
    ['a gate with markup', JSON.stringify({ ...value, gate: '<!channel>' })],
    ['a non-hex plan hash', JSON.stringify({ ...value, planHash: 'not-a-hash-at-all' })],
    ['an oversized value', JSON.stringify({ ...value, runId: 'r-'.padEnd(2100, 'a') })],
    ['2001 characters', JSON.stringify(value).padEnd(2001, ' ')],
    ['a deeply nested value', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ])('parses %s to undefined', (_what, raw) => {
    expect(parseGateValue(raw)).toBeUndefined();
  });

  it('parses only the exact run shape', () => {
    expect(parseRunValue(JSON.stringify(value))).toBeUndefined();
    expect(parseRunValue('{"runId":""}')).toBeUndefined();
    expect(parseRunValue('{"runId":"r-abc","x":1}')).toBeUndefined();
  });

  it('round-trips retention values and parses nothing else', () => {
    expect(parseRetentionValue(encodeRetentionValue({ promptId: '42' }))).toEqual({ promptId: '42' });
    expect(() => encodeRetentionValue({ promptId: 'x' })).toThrow(/unexpected prompt id/);
    for (const raw of ['{"promptId":42}', '{"promptId":"0"}', '{"promptId":"1 OR 1=1"}', '{"promptId":"1","database":"prod"}', JSON.stringify(value), '{"promptId":"1234567890123456789"}']) {
      expect(parseRetentionValue(raw)).toBeUndefined();
    }
  });
});
