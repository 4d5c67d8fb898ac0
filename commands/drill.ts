import { mayStartRun } from '../src/recovery/approval-policy';
import { RewindError } from '../src/recovery/errors';
import { startManualDrill } from '../src/drills/start-drill';
import { databaseOf } from '../src/slack/channel-context';
import { drillDepsFromSlack } from '../src/slack/drill-deps';
import { escapeClip, escapeMrkdwn } from '../src/slack/mrkdwn';
import { databaseArg, noExtraArgs } from './args';
import { reply, type SlashCommand } from './types';

/** `/dr drill <database>`: an operator's drill, now: restore into a sandbox, validate, measure, tear down. */
export const drillCommand: SlashCommand = {
  spec: {
    name: 'drill',
    hint: 'drill <db>',
    usage: '/dr drill <database>',
    summary: 'Restore into a sandbox now, validate, measure RTO and RPO, and tear it down; nothing is cut over',
    role: 'operator',
    scope: 'database',
    example: (db = 'prod-db-01') => `/dr drill ${db}`,
  },
  prepare(inv, ctx) {
    const spec = drillCommand.spec;
    const db = databaseArg(inv.args[0], ctx.config, spec);
    if (!db.ok) return reply(db.message);
    const allowed = mayStartRun(inv.user, db.value, inv.channel);
    if (!allowed.allowed) return reply(allowed.reason, { action: 'drill.start_refused', reason: allowed.reason });
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    return { kind: 'enqueue', ack: `⏳ Starting a drill of ${db.value.name}: a restore into a sandbox that is torn down at the end. ${db.value.name} itself is not touched.`, data: { database: db.value.name } };
  },
  async execute(data, who, svc) {
    const db = databaseOf(svc.config, String(data.database));
    if (!db) return [{ text: `There is no database ${escapeMrkdwn(String(data.database))} in rewind.yml any more. Nothing was started.` }];
    const allowed = mayStartRun(who.user, db, who.channel);
    if (!allowed.allowed) return [{ text: allowed.reason }];
    try {
      const { drill, run } = await startManualDrill(drillDepsFromSlack(svc), db.name, who.user, who.channel);
      return [{ text: `🧪 Drill \`${drill.id}\` of ${db.name} started as run \`${run.id}\`; its live message follows in this channel. The scorecard is posted here when it ends and the sandbox is gone. To stop it: \`/dr abort ${run.id}\`.` }];
    } catch (err) {
      if (err instanceof RewindError) return [{ text: `❌ ${escapeClip(err.userMessage, 1500)} Nothing was started.` }];
      throw err;
    }
  },
};
