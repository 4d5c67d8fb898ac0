import type { RewindConfig } from '../src/config/schema';
import type { CommandExecutor } from '../src/slack/interaction-jobs';
import type { CommandRouter } from '../src/slack/listeners';
import { findCommand, parseCommandText } from './index';

/** Connects the registry to the Slack listener (prepare) and to the interactions worker (execute). */
export function commandRouter(config: RewindConfig, incidentCommanderOf: (channel: string) => Promise<string | undefined>): CommandRouter {
  return {
    async prepare(text, inv) {
      const parsed = parseCommandText(text);
      if (!parsed.ok) return { kind: 'reply', reply: { text: parsed.message } };
      const prepared = await parsed.command.prepare({ ...inv, args: parsed.args }, { config, incidentCommander: () => incidentCommanderOf(inv.channel) });
      if (prepared.kind === 'reply') return prepared;
      return { kind: 'enqueue', ack: prepared.ack, command: parsed.command.spec.name, data: prepared.data };
    },
  };
}

export const commandExecutor: CommandExecutor = (name) => {
  const command = findCommand(name);
  return command?.execute ? (data, who, svc) => (command.execute as NonNullable<typeof command.execute>)(data, who, svc) : undefined;
};
