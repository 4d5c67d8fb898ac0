import { RewindError } from '../src/recovery/errors';
import { databaseOf } from '../src/slack/channel-context';
import { escapeClip, escapeMrkdwn } from '../src/slack/mrkdwn';
import { renderBackups } from '../src/slack/render-backups';
import { databaseArg, noExtraArgs } from './args';
import { reply, type SlashCommand } from './types';

/** `/dr backups <database>`: the restorable window and the backups, newest first. */
export const backupsCommand: SlashCommand = {
  spec: {
    name: 'backups',
    hint: 'backups <db>',
    usage: '/dr backups <database>',
    summary: 'Show the restorable window and the backups, newest first, with their age against the RPO',
    role: 'member',
    scope: 'database',
    example: (db = 'prod-db-01') => `/dr backups ${db}`,
  },
  prepare(inv, ctx) {
    const spec = backupsCommand.spec;
    const db = databaseArg(inv.args[0], ctx.config, spec);
    if (!db.ok) return reply(db.message);
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    if (!db.value.operators.includes(inv.user) && !db.value.approvers.includes(inv.user)) {
      const reason = `You are neither an operator nor an approver of ${db.value.name}, so you cannot list its backups. Ask whoever maintains rewind.yml to add your member ID (${inv.user}).`;
      return reply(reason, { action: 'backups.refused', reason });
    }
    return { kind: 'enqueue', ack: `⏳ Reading the backups of ${db.value.name}…`, data: { database: db.value.name } };
  },
  async execute(data, _who, svc) {
    const db = databaseOf(svc.config, String(data.database));
    if (!db) return [{ text: `There is no database ${escapeMrkdwn(String(data.database))} in rewind.yml any more.` }];
    try {
      const desc = await svc.providers(db.name).source.describe();
      return [renderBackups(db.name, desc, db.rpo, svc.now())];
    } catch (err) {
      const why = err instanceof RewindError ? err.userMessage : (err as Error).message;
      return [{ text: `❌ Could not read the backups of ${db.name}: ${escapeClip(why, 500)} Try again in a minute; if it keeps failing, check the source in the provider's console.` }];
    }
  },
};
