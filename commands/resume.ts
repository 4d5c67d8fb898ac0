import { resumeRun } from '../src/slack/run-actions';
import { noExtraArgs, runIdArg } from './args';
import { reply, type SlashCommand } from './types';

/** `/dr resume <run-id>`: retry a failed run from the step that failed, under the same plan. */
export const resumeCommand: SlashCommand = {
  spec: {
    name: 'resume',
    hint: 'resume <run>',
    usage: '/dr resume <run-id>',
    summary: 'Retry a failed run from the step that failed, with the same plan',
    role: 'operator',
    scope: 'run',
    example: () => '/dr resume r-k3m9qz',
  },
  prepare(inv) {
    const spec = resumeCommand.spec;
    const id = runIdArg(inv.args[0], spec);
    if (!id.ok) return reply(id.message);
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    return { kind: 'enqueue', ack: `⏳ Resuming run ${id.value}…`, data: { runId: id.value } };
  },
  async execute(data, who, svc) {
    return [await resumeRun(svc, who, String(data.runId), '/dr resume')];
  },
};
