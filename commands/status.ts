import { DATABASE_NAME } from '../src/config/schema';
import { renderContextFor } from '../src/slack/channel-context';
import { escapeMrkdwn } from '../src/slack/mrkdwn';
import { renderRunList, renderRunStatus } from '../src/slack/render-status';
import { noExtraArgs, quoteInput, RUN_ID } from './args';
import { reply, type SlashCommand } from './types';

/** `/dr status [run-id|database]`: active and recent runs, one database's runs, or one run. */
export const statusCommand: SlashCommand = {
  spec: {
    name: 'status',
    hint: 'status [run|db]',
    usage: '/dr status [run-id|database]',
    summary: 'Show active and recent runs, the runs of one database, or one run in full',
    role: 'anyone',
    scope: 'none',
    example: (db = 'prod-db-01') => `/dr status ${db}`,
  },
  prepare(inv, ctx) {
    const spec = statusCommand.spec;
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    const arg = inv.args[0];
    if (arg === undefined) return { kind: 'enqueue', ack: '⏳ Looking up the runs…', data: {} };
    if (Object.prototype.hasOwnProperty.call(ctx.config.databases, arg)) return { kind: 'enqueue', ack: `⏳ Looking up the runs of ${arg}…`, data: { database: arg } };
    if (RUN_ID.test(arg)) return { kind: 'enqueue', ack: `⏳ Looking up run ${arg}…`, data: { runId: arg } };
    const what = DATABASE_NAME.test(arg) ? 'a database in rewind.yml or a run ID' : 'a database name or a run ID (run IDs look like `r-k3m9qz`)';
    return reply(`${quoteInput(arg)} is not ${what}. \`/dr status\` lists the recent runs.`);
  },
  async execute(data, _who, svc) {
    const now = svc.now();
    if (typeof data.runId === 'string') {
      const run = await svc.store.getRun(data.runId);
      if (!run) return [{ text: `There is no run ${escapeMrkdwn(data.runId)}. \`/dr status\` lists the recent runs.` }];
      return [renderRunStatus(run, now, await renderContextFor(svc.pool, svc.config, run))];
    }
    if (typeof data.database === 'string') {
      const runs = await svc.store.listRuns({ database: data.database, limit: 10 });
      return [renderRunList(`Runs of ${data.database}`, runs, now)];
    }
    const [active, recent] = await Promise.all([svc.store.listRuns({ active: true, limit: 15 }), svc.store.listRuns({ limit: 10 })]);
    const seen = new Set(active.map((r) => r.id));
    return [renderRunList('Rewind runs', [...active, ...recent.filter((r) => !seen.has(r.id))], now)];
  },
};
