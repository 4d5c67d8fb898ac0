import { createLogger, type Logger } from '../../../src/observability/logger';

const SECRETS = {
  botToken: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp',
  appToken: 'xapp-1-A0123-456-abcdef0123',
  password: 'hunter2-Pa55word',
  urlPassword: 's3cr3t-url-pw',
  kvPassword: 'kv-pw-777',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.payload.signature',
  signing: '8f742231b10e8888abcd99yyyzzz',
  childToken: 'child-binding-secret-42',
  errorPassword: 'err-url-pw-99',
  formatArg: 'xoxp-55-66-format-arg',
};

function capture(level: 'trace' | 'info' = 'trace'): { logger: Logger; output: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void chunks.push(s) } });
  const output = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, output, lines };
}

function expectNoSecrets(text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect({ name, leaked: text.includes(secret) }).toEqual({ name, leaked: false });
  }
}

describe('createLogger', () => {
  it('writes JSON lines with no secret anywhere while keeping the rest', () => {
    const { logger, output, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.info(
      {
        runId: 'run-1',
        database: 'orders',
        config: {
          slack: { botToken: SECRETS.botToken, SLACK_SIGNING_SECRET: SECRETS.signing, channel: 'C123' },
          targets: [
            { name: 'primary', url: `postgres://rewind:${SECRETS.urlPassword}@db.internal:5432/orders` },
            { name: 'kv', conninfo: `host=db.internal password=${SECRETS.kvPassword} dbname=orders` },
            [{ deeper: { user: 'alice', password: SECRETS.password } }],
          ],
        },
        request: { headers: { authorization: `Bearer ${SECRETS.bearer}`, accept: 'application/json' } },
        cyclic,
      },
      `connected with ${SECRETS.appToken} to postgres://rewind:${SECRETS.urlPassword}@db.internal/orders`,
    );

    expectNoSecrets(output());
    const [line] = lines();
    expect(line).toMatchObject({
      level: 30,
      runId: 'run-1',
      database: 'orders',
      config: {
        slack: { botToken: '[REDACTED]', SLACK_SIGNING_SECRET: '[REDACTED]', channel: 'C123' },
        targets: [
          { name: 'primary', url: 'postgres://rewind:***@db.internal:5432/orders' },
          { name: 'kv', conninfo: 'host=db.internal password=*** dbname=orders' },
          [{ deeper: { user: 'alice', password: '[REDACTED]' } }],
        ],
      },
      request: { headers: { authorization: '[REDACTED]', accept: 'application/json' } },
      cyclic: { name: 'loop', self: '[Circular]' },
      msg: 'connected with xapp-*** to postgres://rewind:***@db.internal/orders',
    });
  });

  it('scrubs format arguments, errors and child bindings', () => {
    const { logger, output, lines } = capture();
    const err = Object.assign(new Error(`cannot connect to postgres://u:${SECRETS.errorPassword}@h/db`), { code: 'ECONNREFUSED' });
    logger.warn('posting with %s and %o', SECRETS.formatArg, { token: SECRETS.botToken });
    logger.error(err);
    logger.error({ err, step: 'restore' }, 'step failed');
    const child = logger.child({ component: 'worker', token: SECRETS.childToken, dsn: `password=${SECRETS.kvPassword}` });
    child.child({ run: 'r-2' }).info({ password: SECRETS.password }, 'grandchild');
    child.setBindings({ SLACK_APP_TOKEN: SECRETS.appToken });
    child.info('after setBindings');

    expectNoSecrets(output());
    const [fmt, bareErr, objErr, grandchild] = lines();
    expect(fmt?.msg).toBe('posting with xoxp-*** and {"token":"[REDACTED]"}');
    expect(bareErr).toMatchObject({ msg: 'cannot connect to postgres://u:***@h/db', err: { type: 'Error', code: 'ECONNREFUSED' } });
    expect(objErr).toMatchObject({ step: 'restore', msg: 'step failed', err: { message: 'cannot connect to postgres://u:***@h/db' } });
    expect(grandchild).toMatchObject({ component: 'worker', token: '[REDACTED]', dsn: 'password=***', run: 'r-2', password: '[REDACTED]' });
  });

  it('honours the level', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.info('shown');
    expect(lines().map((l) => l.msg)).toEqual(['shown']);
  });
});
