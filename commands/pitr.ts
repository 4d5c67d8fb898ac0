import { mayStartRun } from '../src/recovery/approval-policy';
import { parseTarget } from '../src/recovery/target-time';
import { channelZone } from '../src/slack/channel-context';
import { escapeMrkdwn } from '../src/slack/mrkdwn';
import { databaseArg, usageLine } from './args';
import { executeStartRun, startRunJob } from './start-run';
import { reply, type SlashCommand } from './types';

/** `/dr pitr <database> <time>`: restore to a point in time into a new instance. */
export const pitrCommand: SlashCommand = {
  spec: {
    name: 'pitr',
    hint: 'pitr <db> <time>',
    usage: '/dr pitr <database> <time>',
    summary: 'Restore to a point in time (2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, 15m ago) into a new instance; nothing is cut over without approval',
    role: 'operator',
    scope: 'database',
    example: (db = 'prod-db-01') => `/dr pitr ${db} 15m ago`,
  },
  prepare(inv, ctx) {
    const spec = pitrCommand.spec;
    const db = databaseArg(inv.args[0], ctx.config, spec);
    if (!db.ok) return reply(db.message);
    const allowed = mayStartRun(inv.user, db.value, inv.channel);
    if (!allowed.allowed) return reply(allowed.reason, { action: 'run.start_refused', reason: allowed.reason });
    const timeText = inv.args.slice(1).join(' ');
    if (timeText === '') return reply(`To which time? ${usageLine(spec, db.value.name)} Times need a zone: 2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, or 15m ago.`);
    const parsed = parseTarget(timeText, { now: inv.now, defaultZone: channelZone(ctx.config, inv.channel) });
    if (!parsed.ok) return reply(`${escapeMrkdwn(parsed.message)} Nothing was started.`);
    return startRunJob(db.value, parsed.target, parsed.utc);
  },
  execute: executeStartRun,
};
