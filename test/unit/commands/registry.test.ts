import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS, MAX_COMMAND_TEXT, parseCommandText, usageHint } from '../../../commands/index';
import { helpLines } from '../../../commands/help';
import { quoteInput } from '../../../commands/args';
import { parseConfig } from '../../../src/config/load';
import { renderHelp } from '../../../src/slack/render-help';

const OPERATOR = 'U0OPERATOR1';
const APPROVER = 'U0APPROVER1';
const IC = 'U0INCIDENT1';
const STRANGER = 'U0STRANGER1';
const CHANNEL = 'C0INCIDENT1';
const config = parseConfig(`
databases:
  prod-db-01:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    channels: [${CHANNEL}]
    operators: [${OPERATOR}]
    approvers: [${APPROVER}]
    source: { instanceId: prod-db-01, region: eu-central-1 }
  staging-db:
    provider: rds-instance
    rto: 30m
    rpo: 15m
    operators: [${OPERATOR}, ${APPROVER}]
    source: { instanceId: staging-db, region: eu-central-1 }
`);

describe('the /dr registry', () => {
  it('is what manifest.yml advertises in its usage hint', () => {
    const manifest = parse(readFileSync(join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8')) as { features: { slash_commands: Array<{ command: string; usage_hint: string }> } };
    const dr = manifest.features.slash_commands.find((c) => c.command === '/dr');
    expect(dr?.usage_hint).toBe(usageHint());
    const names = COMMANDS.map((c) => c.spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) expect(c.spec.hint.split(/\s+/)[0]).toBe(c.spec.name);
  });

  it('has a usage, a summary and a runnable example for every command', () => {
    for (const { spec } of COMMANDS) {
      expect(spec.usage.startsWith(`/dr ${spec.name}`)).toBe(true);
      expect(spec.example('prod-db-01').startsWith(`/dr ${spec.name}`)).toBe(true);
      expect(spec.summary.length).toBeGreaterThan(10);
    }
  });
});

describe('parseCommandText', () => {
  it('splits the subcommand from its arguments, case-insensitively, and treats an empty text as help', () => {
    expect(parseCommandText('  PITR   prod-db-01  15m ago ')).toMatchObject({ ok: true, command: { spec: { name: 'pitr' } }, args: ['prod-db-01', '15m', 'ago'] });
    expect(parseCommandText('')).toMatchObject({ ok: true, command: { spec: { name: 'help' } }, args: [] });
  });

  it('suggests the command meant by a typo, swapped letters included', () => {
    expect(parseCommandText('stauts')).toEqual({ ok: false, message: expect.stringContaining('did you mean `/dr status`?') });
    expect(parseCommandText('pirt x')).toEqual({ ok: false, message: expect.stringContaining('did you mean `/dr pitr`?') });
  });

  it('refuses long text without echoing it, and control characters never reach a command', () => {
    const long = parseCommandText(`pitr ${'a'.repeat(MAX_COMMAND_TEXT)}`);
    expect(long.ok).toBe(false);
    expect(JSON.stringify(long)).not.toContain('aaaaaaaaaa');
    expect(parseCommandText('status\u0000r-k3m9qz')).toMatchObject({ ok: true, args: ['r-k3m9qz'] });
  });

  it('quotes input so that it can neither ping nor break out of its code span', () => {
    expect(quoteInput('<!channel> `x` &')).toBe("`&lt;!channel&gt; 'x' &amp;`");
    expect(quoteInput('x'.repeat(200)).length).toBeLessThanOrEqual(62);
  });
});

describe('/dr help', () => {
  const names = (user: string, ic?: string) => helpLines(COMMANDS, user, config, CHANNEL, ic).map((l) => l.name);

  it('lists only what the caller may run here, each with an example naming a database they may use', () => {
    const operator = helpLines(COMMANDS, OPERATOR, config, CHANNEL, undefined);
    expect(operator.map((l) => l.name)).toEqual(expect.arrayContaining(['pitr', 'restore', 'backups', 'status', 'abort', 'resume', 'help']));
    expect(operator.map((l) => l.name)).not.toContain('ic');
    expect(operator.find((l) => l.name === 'pitr')).toMatchObject({ databases: ['prod-db-01', 'staging-db'], example: '/dr pitr prod-db-01 15m ago' });
    expect(JSON.stringify(renderHelp(operator))).toContain('e.g. `/dr pitr prod-db-01 15m ago`');
  });

  it('shows /dr ic to approvers here and to the incident commander, and nothing that needs a role to a stranger', () => {
    expect(names(APPROVER)).toContain('ic');
    expect(names(IC)).not.toContain('ic');
    expect(names(IC, IC)).toContain('ic');
    expect(names(STRANGER).filter((n) => !COMMANDS.find((c) => c.spec.name === n && c.spec.role === 'anyone'))).toEqual([]);
    expect(names(STRANGER)).not.toContain('pitr');
  });

  it('leaves out databases the channel may not use', () => {
    const elsewhere = helpLines(COMMANDS, OPERATOR, config, 'C0ELSEWHERE', undefined);
    expect(elsewhere.find((l) => l.name === 'pitr')?.databases).toEqual(['staging-db']);
    expect(helpLines(COMMANDS, APPROVER, config, 'C0ELSEWHERE', undefined).map((l) => l.name)).not.toContain('ic');
  });
});
