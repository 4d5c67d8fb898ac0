import { COMMANDS } from '../../../commands/index';
import { helpLines } from '../../../commands/help';
import { parseConfig } from '../../../src/config/load';
import { renderHelp } from '../../../src/slack/render-help';
import { renderPreflight } from '../../../src/slack/render-preflight';
import { expectGolden } from '../../support/golden';
import { APPROVER, OPERATOR, pitrPlan } from '../../support/run-factory';
import { slackLimitProblems } from '../../support/slack-limits';

const MIN = 60_000;
const window = { earliest: new Date('2024-04-24T10:05:00Z'), latest: new Date('2024-05-01T10:04:30Z') };

describe('renderPreflight', () => {
  it('shows source, target in UTC and the channel zone, window, data loss, plan and objectives', () => {
    const message = renderPreflight({ plan: pitrPlan(), zone: 'Europe/Berlin', source: 'RDS instance prod-db-01 (postgres 16.2, eu-central-1)', window, rtoMs: 30 * MIN, rpoMs: 5 * MIN });
    expect(slackLimitProblems(message)).toEqual([]);
    expectGolden(__dirname, 'preflight-pitr', message);
  });

  it('says when the target is outside the window, and when the window is unknown', () => {
    const plan = pitrPlan();
    plan.target = { kind: 'time', at: new Date('2024-04-01T00:00:00Z') };
    const outside = JSON.stringify(renderPreflight({ plan, zone: 'UTC', window, rtoMs: 30 * MIN, rpoMs: 5 * MIN }));
    expect(outside).toContain('❌ 2024-04-01T00:00:00Z is before the earliest restorable time.');
    const unknown = JSON.stringify(renderPreflight({ plan: pitrPlan(), zone: 'UTC', rtoMs: 30 * MIN, rpoMs: 5 * MIN }));
    expect(unknown).toContain('unknown right now; the first step checks it again before anything is created.');
  });

  it('names the latest restorable instant for a restore of latest', () => {
    const plan = pitrPlan();
    plan.target = { kind: 'latest' };
    plan.path = 'restore';
    const text = JSON.stringify(renderPreflight({ plan, zone: 'UTC', window, rtoMs: 30 * MIN, rpoMs: 5 * MIN }));
    expect(text).toContain('Writes after 10:04:30 UTC on 2024-05-01 (the latest restorable time) will not be in the restored copy.');
    expect(text).toContain('Pre-flight: Restore prod-db-01 → latest');
  });
});

describe('renderHelp', () => {
  const config = parseConfig(`
databases:
  prod-db-01:
    provider: rds-instance
    rto: 30m
    rpo: 5m
    production: true
    operators: [${OPERATOR}]
    approvers: [${APPROVER}]
    source: { instanceId: prod-db-01, region: eu-central-1 }
  staging-db:
    provider: rds-instance
    rto: 30m
    rpo: 5m
    operators: [${OPERATOR}, ${APPROVER}]
    source: { instanceId: staging-db, region: eu-central-1 }
`);
  const linesFor = (user: string) => helpLines(COMMANDS, user, config, 'C0INCIDENT1', undefined);

  it('lists an operator\'s commands with their databases, escaping placeholders', () => {
    const message = renderHelp(linesFor(OPERATOR));
    expect(slackLimitProblems(message)).toEqual([]);
    expectGolden(__dirname, 'help-operator', message);
  });

  it('lists only what the caller may run', () => {
    const text = JSON.stringify(renderHelp(linesFor(APPROVER)));
    expect(text).toContain('/dr pitr &lt;database&gt; &lt;time&gt;');
    expect(text).toContain('for staging-db');
    const stranger = renderHelp(linesFor('U0STRANGER1'));
    expect(stranger.text).not.toContain('/dr pitr');
    expect(JSON.stringify(stranger)).toContain('You are not an operator or approver of any database usable in this channel.');
  });

  it('gives examples with a database of this channel, also for commands about no one database', () => {
    const only = parseConfig(`
databases:
  demo-db:
    provider: rds-instance
    rto: 10m
    rpo: 5m
    operators: [${OPERATOR}]
    source: { instanceId: demo-db, region: eu-central-1 }
`);
    const status = helpLines(COMMANDS, OPERATOR, only, 'C0INCIDENT1', undefined).find((l) => l.name === 'status');
    expect(status?.example).toBe('/dr status demo-db');
  });
});
