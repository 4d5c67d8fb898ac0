import { mayStartRun } from '../src/recovery/approval-policy';
import type { RestoreTarget } from '../src/providers/ports';
import { databaseArg, noExtraArgs, quoteInput, usageLine } from './args';
import { executeStartRun, startRunJob } from './start-run';
import { reply, type SlashCommand } from './types';

/** Backup IDs as providers name them: RDS snapshots ("rds:prod-db-01-2024-05-01-03-00"), local base backups. */
const BACKUP_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** `/dr restore <database> latest|<backup-id>`: restore the newest restorable point or a named backup. */
export const restoreCommand: SlashCommand = {
  spec: {
    name: 'restore',
    hint: 'restore <db> latest|<backup-id>',
    usage: '/dr restore <database> latest|<backup-id>',
    summary: 'Restore the latest restorable point or a named backup into a new instance',
    role: 'operator',
    scope: 'database',
    example: (db = 'prod-db-01') => `/dr restore ${db} latest`,
  },
  prepare(inv, ctx) {
    const spec = restoreCommand.spec;
    const db = databaseArg(inv.args[0], ctx.config, spec);
    if (!db.ok) return reply(db.message);
    const allowed = mayStartRun(inv.user, db.value, inv.channel);
    if (!allowed.allowed) return reply(allowed.reason, { action: 'run.start_refused', reason: allowed.reason });
    const what = inv.args[1];
    if (what === undefined) return reply(`Restore what: latest, or a backup ID from \`/dr backups ${db.value.name}\`? ${usageLine(spec, db.value.name)}`);
    const extra = noExtraArgs(inv.args, 2, spec);
    if (extra) return reply(extra);
    if (!BACKUP_ID.test(what)) {
      return reply(`${quoteInput(what)} is neither \`latest\` nor a backup ID (letters, digits and . _ : -). \`/dr backups ${db.value.name}\` lists the backups. Nothing was started.`);
    }
    const target: RestoreTarget = what.toLowerCase() === 'latest' ? { kind: 'latest' } : { kind: 'backup', backupId: what };
    return startRunJob(db.value, target, target.kind === 'latest' ? 'the latest restorable time' : `backup ${what}`);
  },
  execute: executeStartRun,
};
