import type { RewindConfig } from '../src/config/schema';
import { renderHelp, type HelpLine } from '../src/slack/render-help';
import { approvesHere, databasesFor } from './roles';
import type { SlashCommand } from './types';

/** The commands of `registry` that `user` may run in `channel`, each with an example they could run. */
export function helpLines(registry: readonly SlashCommand[], user: string, config: RewindConfig, channel: string, incidentCommander: string | undefined): HelpLine[] {
  const lines: HelpLine[] = [];
  // Examples name a database of this channel, even for commands that are not about one database.
  const here = Object.values(config.databases).find((db) => !db.channels || db.channels.includes(channel))?.name;
  for (const { spec } of registry) {
    const databases = spec.scope === 'none' ? [] : databasesFor(user, spec.role, config, channel);
    const visible = spec.role === 'anyone' || (spec.role === 'approver' ? approvesHere(user, config, channel, incidentCommander) : databases.length > 0);
    if (!visible) continue;
    lines.push({ name: spec.name, usage: spec.usage, summary: spec.summary, scope: spec.scope, databases, example: spec.example(databases[0] ?? here) });
  }
  return lines;
}

/** `/dr help` (and `/dr` alone): only what the caller may run here, with an example each. */
export function helpCommand(registry: () => readonly SlashCommand[]): SlashCommand {
  return {
    spec: {
      name: 'help',
      hint: 'help',
      usage: '/dr help',
      summary: 'Show the commands you may run here',
      role: 'anyone',
      scope: 'none',
      example: () => '/dr help',
    },
    async prepare(inv, ctx) {
      const lines = helpLines(registry(), inv.user, ctx.config, inv.channel, await ctx.incidentCommander());
      return { kind: 'reply', reply: renderHelp(lines) };
    },
  };
}
