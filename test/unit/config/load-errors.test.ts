import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../../src/config/config-error';
import { loadConfig, parseConfig } from '../../../src/config/load';
import { RewindError } from '../../../src/recovery/errors';

/** A valid rewind.yml; each case below changes one thing. Line numbers in messages refer to it. */
const BASE = [
  'databases:', //                     1
  '  prod-db-01:', //                  2
  '    provider: rds-instance', //     3
  '    production: true', //           4
  '    rto: 15m', //                   5
  '    rpo: 5m', //                    6
  '    operators: [U0123456789]', //   7
  '    approvers: [U0APPROVER1]', //   8
  '    source:', //                    9
  '      instanceId: prod-db-01', //   10
].join('\n');

function edit(from: string, to: string, text = BASE): string {
  if (!text.includes(from)) throw new Error(`test bug: ${JSON.stringify(from)} is not in the base config`);
  return text.replace(from, to);
}

function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, 'rewind.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('rewind.yml problems', () => {
  it('accepts the base config (so each case below fails for its own reason)', () => {
    expect(parseConfig(BASE).databases['prod-db-01']?.rto).toBe(900_000);
  });

  it('is a non-retryable RewindError with code CONFIG_INVALID and one line per problem', () => {
    const text = edit('rto: 15m', 'rto: fast', edit('rpo: 5m', 'rpo: 5'));
    let error: unknown;
    try {
      parseConfig(text, 'rewind.yml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RewindError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', retryable: false, name: 'ConfigError' });
    expect((error as Error).message).toBe(
      'rewind.yml: databases.prod-db-01.rto: expected a duration like "15m" or "1h30m", got "fast" (line 5)\n' +
        'rewind.yml: databases.prod-db-01.rpo: expected a duration like "5m" or "1h30m", got 5 (line 6)',
    );
  });

  it('YAML syntax error, with its line', () => {
    expect(problemsOf(edit('operators: [U0123456789]', 'operators: [U0123456789'))).toEqual([
      'rewind.yml: YAML syntax error at line 8, column 5: Flow sequence in block collection must be sufficiently indented and end with a ]; fix the YAML there (indent with spaces, close quotes and brackets)',
    ]);
  });

  it('unknown provider lists the known ones', () => {
    expect(problemsOf(edit('provider: rds-instance', 'provider: rds'))).toEqual([
      'rewind.yml: databases.prod-db-01.provider: unknown provider "rds"; expected one of: rds-instance, aurora-cluster, local-postgres (line 3)',
    ]);
  });

  it('missing provider lists the known ones', () => {
    expect(problemsOf(edit('    provider: rds-instance\n', ''))).toEqual([
      'rewind.yml: databases.prod-db-01.provider: missing required setting; expected one of: rds-instance, aurora-cluster, local-postgres (line 2)',
    ]);
  });

  it('missing field quotes its description', () => {
    expect(problemsOf(edit('    rto: 15m\n', ''))).toEqual([
      'rewind.yml: databases.prod-db-01.rto: missing required setting: recovery time objective, how long a restore may take end to end, a duration like "15m" (line 2)',
    ]);
  });

  it('missing field of the provider-specific source', () => {
    expect(problemsOf(edit('instanceId: prod-db-01', 'region: eu-central-1'))).toEqual([
      'rewind.yml: databases.prod-db-01.source.instanceId: missing required setting: identifier of the RDS DB instance to restore from (e.g. "prod-db-01") (line 9)',
    ]);
  });

  it('bad duration', () => {
    expect(problemsOf(edit('rto: 15m', 'rto: fast'))).toEqual([
      'rewind.yml: databases.prod-db-01.rto: expected a duration like "15m" or "1h30m", got "fast" (line 5)',
    ]);
  });

  it('bad cron', () => {
    expect(problemsOf(`${BASE}\n    drills: { schedule: "0 3 * *", channel: C0123456789 }`)).toEqual([
      'rewind.yml: databases.prod-db-01.drills.schedule: expected a 5-field cron expression like "0 3 * * 1" (minute hour day-of-month month day-of-week), got "0 3 * *" (4 fields) (line 11)',
    ]);
  });

  it('bad time zone, with a suggestion', () => {
    expect(problemsOf(`timezone: Europe/Berln\n${BASE}`)).toEqual([
      'rewind.yml: timezone: unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"? use an IANA name like "Europe/Berlin" or "UTC" (line 1)',
    ]);
  });

  it('duplicate database', () => {
    const twice = `${BASE}\n  prod-db-01:\n    provider: aurora-cluster`;
    expect(problemsOf(twice)).toEqual([
      'rewind.yml: databases: database "prod-db-01" is defined twice (line 11); rename or remove one of the definitions',
    ]);
  });

  it('duplicate key anywhere else', () => {
    expect(problemsOf(edit('    rpo: 5m', '    rpo: 5m\n    rto: 20m'))).toEqual([
      'rewind.yml: databases.prod-db-01: key "rto" is defined twice (line 7); keep only one',
    ]);
  });

  it('unknown key suggests the closest known key', () => {
    expect(problemsOf(edit('twoPerson', 'twoPerson', `${BASE}\n    twoPersonRul: true`))).toEqual([
      'rewind.yml: databases.prod-db-01.twoPersonRul: unknown key "twoPersonRul"; did you mean "twoPersonRule"? (line 11)',
    ]);
  });

  it('unknown key without a close match lists the known keys', () => {
    expect(problemsOf(`${BASE}\n    owner: U0123456789`)).toEqual([
      'rewind.yml: databases.prod-db-01.owner: unknown key "owner"; remove it or use one of: provider, production, rto, rpo, channels, operators, approvers, twoPersonRule, cutover, healthChecks, validation, drills, source (line 11)',
    ]);
  });

  it('wrong type', () => {
    expect(problemsOf(edit('production: true', 'production: "yes"'))).toEqual([
      'rewind.yml: databases.prod-db-01.production: expected true or false, got "yes" (line 4)',
    ]);
    expect(problemsOf(edit('operators: [U0123456789]', 'operators: U0123456789'))).toEqual([
      'rewind.yml: databases.prod-db-01.operators: expected a list, got "U0123456789" (line 7)',
    ]);
  });

  it('bad Slack user ID', () => {
    expect(problemsOf(edit('approvers: [U0APPROVER1]', 'approvers: ["@carol"]'))).toEqual([
      'rewind.yml: databases.prod-db-01.approvers[0]: expected a Slack user ID like "U0123456789", got "@carol"; names and @mentions are not IDs: open the person\'s profile in Slack and use "Copy member ID" (line 8)',
    ]);
  });

  it('bad Slack channel ID as a channels key', () => {
    expect(problemsOf(`channels:\n  "#incidents": { timezone: UTC }\n${BASE}`)).toEqual([
      'rewind.yml: channels["#incidents"]: expected a Slack channel ID like "C0123456789", got "#incidents"; channel names are not IDs: open the channel details in Slack and copy the ID shown at the bottom (line 2)',
    ]);
  });

  it('webhook header with a literal secret, which is never echoed', () => {
    const webhook = [
      '    cutover:',
      '      - type: webhook',
      '        name: pooler',
      '        url: https://pooler.example.com/reload',
      '        headers: { Authorization: "Bearer s3cr3t-token" }',
    ].join('\n');
    const problems = problemsOf(`${BASE}\n${webhook}`);
    expect(problems).toEqual([
      'rewind.yml: databases.prod-db-01.cutover[0].headers.Authorization: header values must reference an environment variable like "env:WEBHOOK_TOKEN", not contain the value itself; put the value in an environment variable and write "env:VAR_NAME" (line 15)',
    ]);
    expect(problems.join('\n')).not.toContain('s3cr3t');
  });

  it('webhook rollback request: needs a URL, refuses a literal secret header and unknown fields', () => {
    const webhook = (rollback: string) =>
      [`${BASE}`, '    cutover:', '      - type: webhook', '        name: pooler', '        url: https://pooler.example.com/reload', `        rollback: ${rollback}`].join('\n');
    expect(problemsOf(webhook('{ method: PUT }'))).toEqual([expect.stringContaining('databases.prod-db-01.cutover[0].rollback.url')]);
    const secret = problemsOf(webhook('{ url: "https://pooler.example.com/undo", headers: { Authorization: "Bearer s3cr3t-token" } }'));
    expect(secret).toEqual([expect.stringContaining('cutover[0].rollback.headers.Authorization: header values must reference an environment variable')]);
    expect(secret.join('\n')).not.toContain('s3cr3t');
    expect(problemsOf(webhook('{ url: "https://pooler.example.com/undo", method: GET }'))).toEqual([expect.stringContaining('cutover[0].rollback.method')]);
  });

  it('unknown cutover type suggests the closest', () => {
    expect(problemsOf(`${BASE}\n    cutover: [{ type: webhok, name: x }]`)).toEqual([
      'rewind.yml: databases.prod-db-01.cutover[0].type: unknown type "webhok" (did you mean "webhook"?); expected one of: secrets-manager, kubernetes-restart, webhook, connection-file (line 11)',
    ]);
  });

  it('validation expectation: explains the branch that was meant', () => {
    const check = (expectation: string) => `${BASE}\n    validation:\n      - { name: c, sql: "select 1", expect: ${expectation} }`;
    expect(problemsOf(check('{ op: "=>", value: 1 }'))).toEqual([
      'rewind.yml: databases.prod-db-01.validation[0].expect.op: expected one of ">=", "<=", "=", ">", "<", "!=", got "=>" (line 12)',
    ]);
    expect(problemsOf(check('{ value: 1 }'))).toEqual([
      'rewind.yml: databases.prod-db-01.validation[0].expect.op: missing required setting: the comparison, one of >=, <=, =, >, < or != (line 12)',
    ]);
    expect(problemsOf(check('{ maxAgeBeforeTarget: soon }'))).toEqual([
      'rewind.yml: databases.prod-db-01.validation[0].expect.maxAgeBeforeTarget: expected a duration like "5m" or "1h30m", got "soon" (line 12)',
    ]);
    expect(problemsOf(check('1'))).toEqual([
      'rewind.yml: databases.prod-db-01.validation[0].expect: expected either { op: ">", value: 0 } or { maxAgeBeforeTarget: "5m" }, got 1 (line 12)',
    ]);
  });

  it('bad database name', () => {
    expect(problemsOf(edit('prod-db-01:', 'Prod_DB:'))).toEqual([
      'rewind.yml: databases.Prod_DB: expected a database name like "prod-db-01", got "Prod_DB"; use lowercase letters, digits and dashes, start with a letter or digit, at most 63 characters (line 2)',
    ]);
  });

  it('bad URL, out-of-range number and reversed freeze window, all at once', () => {
    const text = [
      BASE,
      '    healthChecks: [{ type: http, name: api, url: "api/healthz", expectStatus: 700 }]',
      '    drills:',
      '      schedule: "0 3 * * 1"',
      '      channel: C0123456789',
      '      freezeWindows: [{ from: "2025-01-05", to: "2024-12-20" }]',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'rewind.yml: databases.prod-db-01.healthChecks[0].url: expected an http(s) URL like "https://example.com/path", got "api/healthz" (line 11)',
      'rewind.yml: databases.prod-db-01.healthChecks[0].expectStatus: must be at most 599, got 700 (line 11)',
      'rewind.yml: databases.prod-db-01.drills.freezeWindows[0].to: freeze window ends ("2024-12-20") before it starts ("2025-01-05"); swap from and to (line 15)',
    ]);
  });

  it('empty file, no databases, and a list instead of a mapping', () => {
    expect(problemsOf('')).toEqual(['rewind.yml: the file is empty; define at least "databases" (start from rewind.example.yml)']);
    expect(problemsOf('databases: {}')).toEqual(['rewind.yml: databases: define at least one database (see rewind.example.yml) (line 1)']);
    expect(problemsOf('- prod-db-01')).toEqual(['rewind.yml: expected a mapping (key: value), got a list (line 1)']);
  });
});

describe('loadConfig file errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rewind-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing file and REWIND_CONFIG', () => {
    const path = join(dir, 'missing.yml');
    let error: unknown;
    try {
      loadConfig(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${path}: cannot read the configuration file: no such file; create it (start from rewind.example.yml) or set REWIND_CONFIG to its path`,
    );
  });

  it('shows where a relative path was looked for', () => {
    expect(() => loadConfig('no-such-rewind.yml')).toThrow(
      `no-such-rewind.yml: cannot read the configuration file (${resolve('no-such-rewind.yml')}): no such file; create it (start from rewind.example.yml) or set REWIND_CONFIG to its path`,
    );
  });

  it('refuses a directory', () => {
    expect(() => loadConfig(dir)).toThrow(`${dir}: cannot read the configuration file: it is a directory;`);
  });

  it('names the file as given in every problem', () => {
    const path = join(dir, 'bad.yml');
    writeFileSync(path, BASE.replace('rto: 15m', 'rto: fast'));
    expect(() => loadConfig(path)).toThrow(`${path}: databases.prod-db-01.rto: expected a duration like "15m" or "1h30m", got "fast" (line 5)`);
  });
});
