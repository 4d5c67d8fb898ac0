import { MASK, REDACTED, isSecretKey, redactString, redactValue } from '../../../src/observability/redact';

describe('redactString', () => {
  it.each([
    ['xoxb-1234-5678-AbCdEf', 'xoxb-***'],
    ['token xoxp-1-2-3 and xoxe.xoxp-1-abc', 'token xoxp-*** and xoxe.xoxp-***'],
    ['socket xapp-1-A0B1-99-ff00', 'socket xapp-***'],
    ['postgres://rewind:s3cret@db:5432/rewind', 'postgres://rewind:***@db:5432/rewind'],
    ['redis://:pa@ss:w0rd@cache:6379/0', 'redis://:***@cache:6379/0'],
    ["host=db password='a b c' user=rewind", 'host=db password=*** user=rewind'],
    ['host=db password=plain dbname=x', 'host=db password=*** dbname=x'],
    ['PGPASSWORD=zz psql', 'PGPASSWORD=*** psql'],
    ['https://api/x?access_token=abc&page=2', 'https://api/x?access_token=***&page=2'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ***'],
    ['authorization=Basic dXNlcjpwYXNz', 'authorization=Basic ***'],
    ['sent bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'sent bearer ***'],
    ['{"password":"x\\"y","user":"u"}', '{"password":"***","user":"u"}'],
    ['https://hooks.slack.com/services/T1/B2/xyz', 'https://hooks.slack.com/services/***'],
  ])('masks %j', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    'runs basic validation on db-1',
    'postgres://rewind@db:5432/rewind',
    'http://example.com:8080/x mail a@b.c',
    'password authentication failed for user "rewind"',
    'token expired, restore at 2024-05-01T10:02:00Z',
    'Bearer of bad news',
  ])('leaves %j alone', (input) => {
    expect(redactString(input)).toBe(input);
  });

  it('stays fast on large pathological input', () => {
    const inputs = ['a.'.repeat(50_000), "password='a".repeat(10_000), '?a&b'.repeat(25_000), 'x://' + 'a:'.repeat(50_000), 'bearer '.repeat(20_000)];
    const started = Date.now();
    for (const s of inputs) redactString(s);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('masks a PEM private key block', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
    expect(redactString(`key: ${pem}`)).toBe(`key: -----BEGIN RSA PRIVATE KEY-----${MASK}-----END RSA PRIVATE KEY-----`);
  });
});

describe('isSecretKey', () => {
  it.each(['password', 'dbPassword', 'SLACK_BOT_TOKEN', 'signingSecret', 'authorization', 'apiKey', 'x-api-key', 'credentials'])('%s is secret', (k) => {
    expect(isSecretKey(k)).toBe(true);
  });
  it.each(['user', 'host', 'secretArn', 'tokenCount', 'passwordSecretArn', 'url', 'status'])('%s is not secret', (k) => {
    expect(isSecretKey(k)).toBe(false);
  });
});

describe('redactValue', () => {
  it('scrubs deeply without modifying the input and keeps non-secrets', () => {
    const input = {
      db: 'orders',
      attempts: 3,
      enabled: true,
      hasPassword: true,
      when: new Date('2024-05-01T10:02:00Z'),
      nested: [{ password: 'p1', url: 'postgres://u:p2@h/db' }, ['xoxb-1-2-3', 42, null]],
      headers: { authorization: 'Bearer abcdefghijkl', accept: 'application/json' },
    };
    const snapshot = structuredClone(input);
    const out = redactValue(input);
    expect(input).toEqual(snapshot);
    expect(out).toEqual({
      db: 'orders',
      attempts: 3,
      enabled: true,
      hasPassword: true,
      when: input.when,
      nested: [{ password: REDACTED, url: 'postgres://u:***@h/db' }, ['xoxb-***', 42, null]],
      headers: { authorization: REDACTED, accept: 'application/json' },
    });
  });

  it('survives cycles and keeps shared references', () => {
    const shared = { user: 'rewind' };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    const out = redactValue(a) as Record<string, unknown>;
    expect(out.self).toBe('[Circular]');
    expect(out.shared).toEqual({ user: 'rewind' });
    expect(out.again).toEqual({ user: 'rewind' });
  });

  it('copies errors with their prototype, scrubbing message, stack, fields and cause', () => {
    class DbError extends Error {
      code = 'E_CONN';
      password = 'field-secret';
    }
    const err = new DbError('cannot reach postgres://u:msg-secret@h/db', { cause: new Error('token=cause-secret') });
    const out = redactValue(err);
    expect(out).toBeInstanceOf(DbError);
    expect(out.message).toBe('cannot reach postgres://u:***@h/db');
    expect(out.stack).not.toContain('msg-secret');
    expect(out.code).toBe('E_CONN');
    expect(out.password).toBe(REDACTED);
    expect((out.cause as Error).message).toBe('token=***');
    expect(err.message).toContain('msg-secret');
  });

  it('uses the JSON form of objects such as URL', () => {
    expect(redactValue({ target: new URL('postgres://u:pw@h/db') })).toEqual({ target: 'postgres://u:***@h/db' });
  });

  it('scrubs Map and Set contents', () => {
    const out = redactValue({ m: new Map([['token', 'abc']]), s: new Set(['xoxb-9-9']) });
    expect([...out.m]).toEqual([['token', REDACTED]]);
    expect([...out.s]).toEqual(['xoxb-***']);
  });
});
