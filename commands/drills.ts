import { drillCompliance } from '../src/drills/drill-compliance';
import { channelZone } from '../src/slack/channel-context';
import { renderCompliance } from '../src/slack/drill-compliance';
import { drillDepsFromSlack } from '../src/slack/drill-deps';
import { DRILL_ID } from '../src/slack/drill-ids';
import { renderReportJson, renderScorecard } from '../src/slack/drill-scorecard';
import { escapeMrkdwn } from '../src/slack/mrkdwn';
import { quoteInput, RUN_ID, usageLine } from './args';
import { reply, type SlashCommand } from './types';

/**
 * `/dr drills`: every database's last drill, its result, the next one and whether it is overdue.
 * `/dr drills report <drill-id|run-id> [json]`: a drill's stored scorecard, or its JSON for auditors.
 */
export const drillsCommand: SlashCommand = {
  spec: {
    name: 'drills',
    hint: 'drills [report <id> [json]]',
    usage: '/dr drills [report <drill-id> [json]]',
    summary: "Show each database's drills (last, next, overdue), or one drill's scorecard; add json for auditors",
    role: 'anyone',
    scope: 'none',
    example: () => '/dr drills report d-k3m9qz json',
  },
  prepare(inv) {
    const spec = drillsCommand.spec;
    const [sub, id, format, ...extra] = inv.args;
    if (sub === undefined) return { kind: 'enqueue', ack: '⏳ Looking up the drills…', data: { view: 'list' } };
    if (sub.toLowerCase() !== 'report') return reply(`${quoteInput(sub)} is not something \`/dr drills\` shows. ${usageLine(spec)}`);
    if (id === undefined) return reply(`Which drill? ${usageLine(spec)} \`/dr drills\` lists the last drill of each database.`);
    if (!DRILL_ID.test(id) && !RUN_ID.test(id)) return reply(`${quoteInput(id)} is neither a drill ID (like \`d-k3m9qz\`) nor a run ID (like \`r-k3m9qz\`). ${usageLine(spec)}`);
    if ((format !== undefined && format.toLowerCase() !== 'json') || extra.length > 0) return reply(`Only \`json\` may follow the drill ID. ${usageLine(spec)}`);
    return { kind: 'enqueue', ack: `⏳ Looking up drill ${id}…`, data: { view: 'report', id, json: format !== undefined } };
  },
  async execute(data, who, svc) {
    const deps = drillDepsFromSlack(svc);
    if (data.view !== 'report') return [renderCompliance(await drillCompliance(deps), svc.now(), channelZone(svc.config, who.channel))];
    const id = String(data.id);
    const drill = await deps.store.find(id);
    if (!drill) return [{ text: `There is no drill ${escapeMrkdwn(id)}. \`/dr drills\` lists the last drill of each database.` }];
    if (!drill.report) {
      return [{ text: `Drill ${drill.id} of ${escapeMrkdwn(drill.database)} is ${drill.status}${drill.note ? ` (${escapeMrkdwn(drill.note)})` : ''}; a report is written when a drill has run and its sandbox is gone.` }];
    }
    return data.json === true ? renderReportJson(drill.report) : [renderScorecard(drill.report)];
  },
};
