import { icCommand } from '../../../commands/ic';
import { pitrCommand } from '../../../commands/pitr';
import { restoreCommand } from '../../../commands/restore';
import { statusCommand } from '../../../commands/status';
import type { Invocation, PrepareContext, Prepared, SlashCommand } from '../../../commands/types';
import { parseConfig } from '../../../src/config/load';

// prepare() runs before the acknowledgement: config only. These pin what it answers at once and
// what it hands to a job (a job's data is all the job trusts about the request).

const config = parseConfig(`
channels:
  C0INCIDENT1: { timezone: Europe/Berlin }
databases:
  prod-db-01:
    provider: rds-instance
    rto: 15m
    rpo: 5m
    operators: [U0OPERATOR1]
    approvers: [U0APPROVER1]
    source: { instanceId: prod-db-01, region: eu-central-1 }
`);
const now = new Date('2024-05-01T12:00:00Z');

function prepare(command: SlashCommand, args: string, user = 'U0OPERATOR1', ic?: string): Promise<Prepared> {
  const inv: Invocation = { user, channel: 'C0INCIDENT1', args: args.split(/\s+/).filter((a) => a !== ''), now };
  const ctx: PrepareContext = { config, incidentCommander: async () => ic };
  return Promise.resolve(command.prepare(inv, ctx));
}

describe('prepare', () => {
  it('pitr hands the job the database and the target in UTC, read in the channel\'s zone when given one', async () => {
    expect(await prepare(pitrCommand, 'prod-db-01 2024-05-01 12:02 Europe/Berlin')).toMatchObject({
      kind: 'enqueue',
      data: { database: 'prod-db-01', target: { kind: 'time', at: '2024-05-01T10:02:00.000Z' } },
      ack: expect.stringContaining('2024-05-01T10:02:00Z'),
    });
    expect(await prepare(pitrCommand, 'prod-db-01 15m ago')).toMatchObject({ data: { target: { at: '2024-05-01T11:45:00.000Z' } } });
  });

  it('restore takes latest or a provider backup ID', async () => {
    expect(await prepare(restoreCommand, 'prod-db-01 LATEST')).toMatchObject({ kind: 'enqueue', data: { target: { kind: 'latest' } } });
    expect(await prepare(restoreCommand, 'prod-db-01 rds:prod-db-01-2024-05-01-03-00')).toMatchObject({ data: { target: { kind: 'backup', backupId: 'rds:prod-db-01-2024-05-01-03-00' } } });
    expect(await prepare(restoreCommand, 'prod-db-01 latest now')).toMatchObject({ kind: 'reply', reply: { text: expect.stringContaining('Too many arguments') } });
  });

  it('status tells a database from a run ID, and refuses anything else', async () => {
    expect(await prepare(statusCommand, '')).toMatchObject({ kind: 'enqueue', data: {} });
    expect(await prepare(statusCommand, 'prod-db-01')).toMatchObject({ data: { database: 'prod-db-01' } });
    expect(await prepare(statusCommand, 'r-k3m9qz')).toMatchObject({ data: { runId: 'r-k3m9qz' } });
    expect(await prepare(statusCommand, 'nope-db')).toMatchObject({ kind: 'reply', reply: { text: '`nope-db` is not a database in rewind.yml or a run ID. `/dr status` lists the recent runs.' } });
  });

  it('ic takes a mention as Slack escapes it or a member ID, and only from someone who may approve here', async () => {
    expect(await prepare(icCommand, '<@U0ALEX0001|alex>', 'U0APPROVER1')).toMatchObject({ kind: 'enqueue', data: { userId: 'U0ALEX0001' } });
    expect(await prepare(icCommand, 'U0ALEX0001', 'U0CURRENTIC', 'U0CURRENTIC')).toMatchObject({ kind: 'enqueue', data: { userId: 'U0ALEX0001' } });
    expect(await prepare(icCommand, '@alex', 'U0APPROVER1')).toMatchObject({ kind: 'reply', reply: { text: expect.stringContaining('is not a person Rewind can identify') } });
    expect(await prepare(icCommand, '<@U0ALEX0001>', 'U0OPERATOR1')).toMatchObject({
      kind: 'reply',
      refusal: { action: 'channel.incident_commander_refused' },
      reply: { text: expect.stringContaining('Only an approver of a database used in this channel') },
    });
    expect(await prepare(icCommand, '', 'U0OPERATOR1', 'U0CURRENTIC')).toMatchObject({ kind: 'reply', reply: { text: expect.stringContaining('is <@U0CURRENTIC>') } });
  });
});
