import { ConfigError } from '../../../src/config/config-error';
import { ENV_VARIABLES, envDocs, loadEnv } from '../../../src/config/env';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
    return (err as ConfigError).problems;
  }
  throw new Error('expected the environment to be refused');
}

describe('loadEnv', () => {
  it('has defaults for everything but the Slack credentials', () => {
    expect(loadEnv({})).toEqual({
      SLACK_BOT_TOKEN: undefined,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: undefined,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/rewind',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REWIND_CONFIG: './rewind.yml',
      PORT: 3000,
      LOG_LEVEL: 'info',
      REWIND_QUEUE_PREFIX: 'rewind',
    });
  });

  it('reads values and treats empty ones as unset', () => {
    const env = loadEnv({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: 'http://127.0.0.1:3000/api/',
      DATABASE_URL: 'postgresql://rewind:pw@db:5432/rewind',
      REDIS_URL: '',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      UNRELATED: 'ignored',
    });
    expect(env).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: 'http://127.0.0.1:3000/api/',
      DATABASE_URL: 'postgresql://rewind:pw@db:5432/rewind',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 8080,
      LOG_LEVEL: 'debug',
    });
    expect(env).not.toHaveProperty('UNRELATED');
  });

  it('names the variable and what it expected', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['environment: PORT: expected a port number 1-65535, got "abc"']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['environment: PORT: expected a port number 1-65535, got "70000"']);
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual([
      'environment: LOG_LEVEL: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    ]);
    expect(problemsOf({ REWIND_QUEUE_PREFIX: 'a:b' })).toEqual(['environment: REWIND_QUEUE_PREFIX: expected letters, digits, "-" or "_" (no ":"), got "a:b"']);
    expect(problemsOf({ SLACK_API_URL: 'slack.com' })).toEqual(['environment: SLACK_API_URL: expected a URL like "https://slack.com/api/", got "slack.com"']);
  });

  it('reports every bad variable, one per line', () => {
    expect(problemsOf({ PORT: 'x', REDIS_URL: 'http://cache:6379' })).toEqual([
      'environment: REDIS_URL: expected a URL like "redis://host:6379", got "http://cache:6379"',
      'environment: PORT: expected a port number 1-65535, got "x"',
    ]);
  });

  it('never echoes secrets', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      SLACK_APP_TOKEN: 'xoxb-wrong-kind-secret',
      DATABASE_URL: 'mysql://admin:hunter2@db/rewind',
    });
    expect(problems).toEqual([
      'environment: SLACK_BOT_TOKEN: expected a token starting with "xoxb-" (Slack app settings → OAuth & Permissions → Bot User OAuth Token), got a value starting with "xoxp-"',
      'environment: SLACK_APP_TOKEN: expected a token starting with "xapp-" (Slack app settings → Basic Information → App-Level Tokens, scope connections:write), got a value starting with "xoxb-"',
      'environment: DATABASE_URL: expected a URL like "postgres://user:password@host:5432/rewind", got "mysql://admin:***@db/rewind"',
    ]);
    expect(problems.join('\n')).not.toMatch(/secret|hunter2/);
  });

  it('documents every variable', () => {
    expect(ENV_VARIABLES).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
      'DATABASE_URL',
      'REDIS_URL',
      'REWIND_CONFIG',
      'PORT',
      'LOG_LEVEL',
      'REWIND_QUEUE_PREFIX',
    ]);
    const docs = envDocs();
    expect(docs.map((doc) => doc.name)).toEqual(ENV_VARIABLES);
    for (const doc of docs) expect(doc.description.length).toBeGreaterThan(10);
    expect(docs.find((doc) => doc.name === 'PORT')?.default).toBe('3000');
    expect(docs.find((doc) => doc.name === 'SLACK_BOT_TOKEN')?.default).toBeUndefined();
  });
});
