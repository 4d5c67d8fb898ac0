import { SLACK_USER_ID } from '../src/config/slack-ids';
import { setIncidentCommander } from '../src/persistence/incident-commanders';
import { activeRunsInChannel } from '../src/persistence/slack-run-queries';
import { classifySlackError } from '../src/slack/slack-api';
import { auditRefusal, incidentCommander, type SlackServices } from '../src/slack/slack-services';
import { noExtraArgs, quoteInput, usageLine } from './args';
import { approvesHere } from './roles';
import { reply, type SlashCommand } from './types';

/** `<@U123|name>` or `<@U123>` (how Slack escapes a mention), or a bare member ID. */
const MENTION = /^<@([UW][A-Z0-9]{6,})(?:\|[^>]*)?>$/;

/**
 * `/dr ic @user`: names this channel's incident commander, who may approve gates of runs started
 * here (overriding rewind.yml's channel setting). Only someone who may already approve here (an
 * approver of a database usable in this channel, or the current incident commander) may name one:
 * otherwise anyone could make themselves an approver.
 */
export const icCommand: SlashCommand = {
  spec: {
    name: 'ic',
    hint: 'ic @user',
    usage: '/dr ic @user',
    summary: "Name this channel's incident commander, who may approve gates of runs started here (without a name: show who it is)",
    role: 'approver',
    scope: 'none',
    example: () => '/dr ic @alex',
  },
  async prepare(inv, ctx) {
    const spec = icCommand.spec;
    const extra = noExtraArgs(inv.args, 1, spec);
    if (extra) return reply(extra);
    const current = await ctx.incidentCommander();
    const arg = inv.args[0];
    if (arg === undefined) {
      return reply(current ? `The incident commander of this channel is <@${current}>. ${usageLine(spec)}` : `This channel has no incident commander. ${usageLine(spec)}`);
    }
    const id = MENTION.exec(arg)?.[1] ?? (SLACK_USER_ID.test(arg) ? arg : undefined);
    if (id === undefined) {
      return reply(`${quoteInput(arg)} is not a person Rewind can identify. Mention them so Slack turns the name into a link (type @ and pick them from the list), or give their member ID (profile → Copy member ID).`);
    }
    if (!approvesHere(inv.user, ctx.config, inv.channel, current)) {
      const reason = 'Only an approver of a database used in this channel, or the current incident commander, may name the incident commander (the incident commander may approve gates). Ask one of them.';
      return reply(reason, { action: 'channel.incident_commander_refused', reason });
    }
    return { kind: 'enqueue', ack: `⏳ Naming <@${id}> incident commander of this channel…`, data: { userId: id } };
  },
  async execute(data, who, svc) {
    const userId = String(data.userId);
    const problem = await notAPerson(svc, userId);
    if (problem) return [{ text: problem }];
    if (!approvesHere(who.user, svc.config, who.channel, await incidentCommander(svc, who.channel))) {
      const reason = 'Only an approver of a database used in this channel, or the current incident commander, may name the incident commander.';
      await auditRefusal(svc, { actor: who.user, action: 'channel.incident_commander_refused', reason, detail: { channel: who.channel } });
      return [{ text: reason }];
    }
    const configured = svc.config.channels[who.channel]?.incidentCommander;
    const previous = await setIncidentCommander(svc.pool, svc.scrub, { channel: who.channel, userId, actor: who.user, ...(configured ? { configured } : {}) });
    for (const runId of await activeRunsInChannel(svc.pool, who.channel)) await svc.queues.requestSync(runId);
    const was = previous && previous !== userId ? ` (was <@${previous}>)` : '';
    return [{ text: `🧭 <@${who.user}> named <@${userId}> incident commander of this channel${was}. They may approve gates of runs started here; every run here shows them.`, inChannel: true }];
  },
};

/** Why `userId` cannot be incident commander (unknown, deactivated, a bot), or undefined. */
async function notAPerson(svc: SlackServices, userId: string): Promise<string | undefined> {
  try {
    const res = await svc.client.users.info({ user: userId });
    const user = res.user as { deleted?: boolean; is_bot?: boolean } | undefined;
    if (user?.is_bot) return `<@${userId}> is a bot; an incident commander must be a person.`;
    if (user?.deleted) return `<@${userId}> is deactivated; name someone else.`;
    return undefined;
  } catch (err) {
    const failure = classifySlackError(err);
    svc.countError('users.info', failure.error);
    if (failure.kind === 'refused' && failure.error === 'user_not_found') return `Slack knows no member ${userId}. Mention the person instead (type @ and pick them).`;
    return undefined;
  }
}
