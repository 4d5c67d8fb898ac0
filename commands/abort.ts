import { abortRun } from '../src/slack/run-actions';
import { noExtraArgs, runIdArg } from './args';
import { reply, type SlashCommand } from './types';

/** `/dr abort <run-id>`: stop a run (or a failed one) and remove what it created. */
export const abortCommand: SlashCommand = {
  spec: {
    name: 'abort',
    hint: 'abort <run>',
    usage: '/dr abort <run-id>',
    summary: 'Stop a run, or clean up a failed one: what it created is removed, the source is never touched',
    role: 'member',
    scope: 'run',
    example: () => '/dr abort r-k3m9qz',
  },
  prepare(inv) {
    const spec = abortCommand.spec;
    const id = runIdArg(inv.args[0], spec);
    if (!id.ok) return reply(id.message);
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    return { kind: 'enqueue', ack: `⏳ Aborting run ${id.value}…`, data: { runId: id.value } };
  },
  async execute(data, who, svc) {
    return [await abortRun(svc, who, String(data.runId), '/dr abort')];
  },
};
