import { context, header, section, type Block, type SlackMessage } from './blocks';
import { BLOCK } from './ids';
import { escapeClip, escapeMrkdwn } from './mrkdwn';

/** One line of /dr help: a command the caller may run; `example` is a complete command they could run as written. */
export interface HelpLine {
  name: string;
  usage: string;
  summary: string;
  /** What the command names: a database, a run (of one of `databases`), or nothing. */
  scope: 'database' | 'run' | 'none';
  /** Databases (or databases whose runs) the caller may use it for; empty for commands without one. */
  databases: string[];
  example?: string;
}

/**
 * /dr help from the lines the command registry returns (commands/help.ts): only what the caller
 * may run, each with the databases it applies to and an example. Someone who may only read is
 * told how to get more.
 */
export function renderHelp(commands: readonly HelpLine[]): SlackMessage {
  const lines = commands.map((c) => {
    const label = c.scope === 'run' ? 'runs of' : 'for';
    const where = c.databases.length > 0 ? `\n_${label} ${escapeClip(c.databases.join(', '), 300)}_` : '';
    const example = c.example === undefined ? '' : `\ne.g. \`${escapeClip(c.example, 200)}\``;
    return `\`${escapeMrkdwn(c.usage)}\` — ${escapeMrkdwn(c.summary)}${where}${example}`;
  });
  const canAct = commands.some((c) => c.databases.length > 0);
  const blocks: Block[] = [header('Rewind: commands you may run here', BLOCK.header), section(lines.length > 0 ? lines.join('\n') : 'No commands are available to you here.', BLOCK.help)];
  if (!canAct) {
    blocks.push(
      context(["You are not an operator or approver of any database usable in this channel. Ask whoever maintains rewind.yml to add your member ID to a database's operators or approvers, or use the channel it allows."], BLOCK.context),
    );
  }
  return { text: `Rewind commands you may run here: ${commands.map((c) => `/dr ${c.name}`).join(', ') || 'none'}`, blocks };
}
