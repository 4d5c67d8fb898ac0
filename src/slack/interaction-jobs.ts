import { approveGate } from './approve-gate';
import { parseGateValue, parseRunValue, ACTION } from './ids';
import { sendReply } from './reply';
import { retentionDepsFrom } from './retention-messages';
import { decideRetention } from './retention-decision';
import { rollBackCutover } from './rollback-cutover';
import { abortRun, resumeRun } from './run-actions';
import { auditRefusal, type Reply, type Requester, type SlackServices } from './slack-services';

/**
 * The jobs the interactions queue carries: the work behind a /dr command, and behind a click or
 * a modal submission. Listeners only enqueue these; whatever a job finds is answered to the
 * person who asked, and an unexpected failure is answered too (never silence at 3 a.m.).
 */

export interface CommandJob extends Requester {
  command: string;
  data: Record<string, unknown>;
}

export interface ClickJob extends Requester {
  action: string;
  /** The button's value exactly as the request carried it (untrusted). */
  value: string;
  /** The text typed into a typed-confirmation modal. */
  typed?: string;
}

export type CommandExecutor = (name: string) => ((data: Record<string, unknown>, who: Requester, svc: SlackServices) => Promise<Reply[]>) | undefined;

export async function runCommandJob(svc: SlackServices, job: CommandJob, executorFor: CommandExecutor): Promise<void> {
  const who = requester(job);
  const execute = executorFor(job.command);
  if (!execute) {
    await sendReply(svc, who, { text: `Rewind no longer knows /dr ${job.command}; nothing was done. \`/dr help\` lists the commands.` });
    return;
  }
  let replies: Reply[];
  try {
    replies = await execute(job.data, who, svc);
  } catch (err) {
    svc.warn({ command: job.command, err: (err as Error).message }, 'a /dr command failed unexpectedly');
    replies = [{ text: `❌ /dr ${job.command} failed unexpectedly (${(err as Error).message.slice(0, 200)}). Check \`/dr status\` before trying again: part of it may have happened.` }];
  }
  for (const reply of replies) await sendReply(svc, who, reply);
}

export async function runClickJob(svc: SlackServices, job: ClickJob): Promise<void> {
  const who = requester(job);
  let reply: Reply | undefined;
  try {
    reply = await decide(svc, who, job);
  } catch (err) {
    svc.warn({ action: job.action, err: (err as Error).message }, 'a click failed unexpectedly');
    reply = { text: `❌ That click failed unexpectedly (${(err as Error).message.slice(0, 200)}). Check the message you clicked before trying again: part of it may have happened.` };
  }
  if (reply) await sendReply(svc, who, reply);
}

async function decide(svc: SlackServices, who: Requester, job: ClickJob): Promise<Reply | undefined> {
  switch (job.action) {
    case ACTION.approveGate:
      return approveGate(svc, who, job.value, job.typed);
    case ACTION.rollbackCutover:
      return rollBackCutover(svc, who, job.value, job.typed);
    case ACTION.deleteRetained:
    case ACTION.keepRetained:
      return decideRetention(svc, retentionDepsFrom(svc), who, job.action, job.value, job.typed);
    case ACTION.abortRun:
    case ACTION.resumeRun: {
      const runId = parseGateValue(job.value)?.runId ?? parseRunValue(job.value)?.runId;
      if (runId === undefined) {
        const reason = "This button does not name a run Rewind knows, so nothing was done. Use the buttons on the run's live message.";
        await auditRefusal(svc, { actor: who.user, action: job.action === ACTION.abortRun ? 'run.abort_refused' : 'run.resume_refused', reason, detail: { code: 'BAD_BUTTON_VALUE' } });
        return { text: reason };
      }
      return job.action === ACTION.abortRun ? abortRun(svc, who, runId, 'Abort button') : resumeRun(svc, who, runId, 'Resume button');
    }
    default:
      return { text: 'Rewind does not know this button; nothing was done.' };
  }
}

function requester(job: Requester): Requester {
  return { user: job.user, channel: job.channel, ...(job.responseUrl ? { responseUrl: job.responseUrl } : {}) };
}
