import type { App, BlockAction, ButtonAction, RespondArguments } from '@slack/bolt';
import { PgRetentionPromptStore } from '../persistence/retention-prompt-store';
import { mayApprove, mayDecideRetention, mayRollBack, needsTypedConfirmation, typedConfirmationMatches } from '../recovery/approval-policy';
import { currentGate } from '../recovery/gates';
import { INTERACTION_JOB } from '../queue/slack-queues';
import { parseModalMetadata, typedConfirmation, typedConfirmationView } from './approval-modal';
import { databaseOf } from './channel-context';
import { ACTION, ACTION_ID_PATTERN, BLOCK, CALLBACK, encodeRetentionValue, parseGateValue, parseRetentionValue } from './ids';
import { parseRetentionModalMetadata, retentionDeletionView, typedResourceMatches } from './retention-modal';
import type { ClickJob, CommandJob } from './interaction-jobs';
import { sendReply } from './reply';
import { canOfferRollback } from './rollback-actions';
import { classifySlackError } from './slack-api';
import { auditRefusal, incidentCommander, type Reply, type Requester, type SlackServices } from './slack-services';

/**
 * Bolt listeners. Each acknowledges within Slack's 3 s with what it can say at once and hands
 * the rest to the interactions queue: commands are parsed and checked against rewind.yml here
 * (cheap), everything that calls a provider or changes a run happens in a job. The one
 * exception is the typed-confirmation modal, which must open while the click's trigger is
 * valid (3 s), so the approve, rollback and delete-retained listeners read the run or the prompt
 * (a few primary-key reads) to decide whether to open it.
 */

/** What the listener needs from the command registry (kept in commands/, wired by src/main). */
export interface CommandRouter {
  prepare(text: string, inv: Requester & { now: Date }): Promise<{ kind: 'reply'; reply: Reply; refusal?: { action: string; reason: string } } | { kind: 'enqueue'; ack: string; command: string; data: Record<string, unknown> }>;
}

const HANDLED_ACTIONS: readonly string[] = [ACTION.approveGate, ACTION.abortRun, ACTION.resumeRun, ACTION.rollbackCutover, ACTION.deleteRetained, ACTION.keepRetained];

function ephemeral(reply: Reply): RespondArguments {
  return { response_type: reply.inChannel ? 'in_channel' : 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) } as RespondArguments;
}

export function registerListeners(app: App, svc: SlackServices, router: CommandRouter, command = '/dr'): void {
  app.command(command, async ({ command: c, ack }) => {
    const who: Requester = { user: c.user_id, channel: c.channel_id, ...(c.response_url ? { responseUrl: c.response_url } : {}) };
    let prepared: Awaited<ReturnType<CommandRouter['prepare']>>;
    try {
      prepared = await router.prepare(c.text ?? '', { ...who, now: svc.now() });
    } catch (err) {
      svc.warn({ err: (err as Error).message }, 'a /dr command could not be prepared');
      await ack(ephemeral({ text: `❌ Rewind could not read its state to answer this (${(err as Error).message.slice(0, 120)}). Nothing was started; try again in a moment.` }));
      return;
    }
    if (prepared.kind === 'reply') {
      await ack(ephemeral(prepared.reply));
      if (prepared.refusal) await auditRefusal(svc, { actor: who.user, action: prepared.refusal.action, reason: prepared.refusal.reason, detail: { channel: who.channel, command: c.text.slice(0, 200) } });
      return;
    }
    const job: CommandJob = { ...who, command: prepared.command, data: prepared.data };
    try {
      await svc.queues.enqueueInteraction(INTERACTION_JOB.command, `${c.trigger_id}|${c.user_id}|${c.text}`, { ...job });
    } catch (err) {
      svc.warn({ err: (err as Error).message }, 'could not queue a /dr command');
      await ack(ephemeral({ text: '❌ Rewind could not queue this command (its queue is unavailable). Nothing was started; try again in a moment.' }));
      return;
    }
    await ack(ephemeral({ text: prepared.ack }));
  });

  app.action<BlockAction>(ACTION_ID_PATTERN, async ({ ack, body, action }) => {
    await ack();
    const button = action as ButtonAction;
    if (!HANDLED_ACTIONS.includes(button.action_id)) return;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const who: Requester = { user: body.user.id, channel: typeof channel === 'string' ? channel : '', ...(body.response_url ? { responseUrl: body.response_url } : {}) };
    const value = typeof button.value === 'string' ? button.value : '';
    if (button.action_id === ACTION.approveGate && (await openTypedConfirmation(svc, who, value, body.trigger_id))) return;
    if (button.action_id === ACTION.rollbackCutover && (await openTypedRollback(svc, who, value, body.trigger_id))) return;
    if (button.action_id === ACTION.deleteRetained && (await openTypedRetentionDeletion(svc, who, value, body.trigger_id))) return;
    const job: ClickJob = { ...who, action: button.action_id, value };
    await enqueueClick(svc, `${button.action_ts}|${who.user}|${button.action_id}`, job);
  });

  for (const [callback, action] of [
    [CALLBACK.typedConfirmation, ACTION.approveGate],
    [CALLBACK.typedRollback, ACTION.rollbackCutover],
  ] as const) {
    app.view(callback, async ({ ack, body, view }) => {
      const meta = parseModalMetadata(view.private_metadata);
      const typed = typedConfirmation(view as never);
      const run = meta ? await svc.store.getRun(meta.value.runId) : undefined;
      if (!meta || !run) {
        await ack({ response_action: 'errors', errors: { [BLOCK.typedConfirmationInput]: 'This confirmation no longer matches a run. Cancel, and use the buttons on the live message.' } });
        return;
      }
      if (!typedConfirmationMatches(typed, run.database)) {
        const what = typed.trim() === '' ? 'Nothing was typed.' : 'That is not the database name.';
        const verb = action === ACTION.approveGate ? 'cut over' : 'roll back';
        await ack({ response_action: 'errors', errors: { [BLOCK.typedConfirmationInput]: `${what} Type ${run.database} exactly to ${verb}, or Cancel.` } });
        return;
      }
      await ack();
      const job: ClickJob = { user: body.user.id, channel: meta.channel, action, value: JSON.stringify(meta.value), typed };
      await enqueueClick(svc, `${view.id}|${body.user.id}|submit`, job);
    });
  }

  app.view(CALLBACK.typedRetentionDeletion, async ({ ack, body, view }) => {
    const meta = parseRetentionModalMetadata(view.private_metadata);
    const typed = typedConfirmation(view as never);
    const prompt = meta ? await new PgRetentionPromptStore(svc.pool).get(meta.promptId) : undefined;
    if (!meta || !prompt) {
      await ack({ response_action: 'errors', errors: { [BLOCK.typedConfirmationInput]: 'This confirmation no longer matches a question Rewind asked. Cancel, and use the buttons on the retention message.' } });
      return;
    }
    if (!typedResourceMatches(typed, prompt.resourceId)) {
      const what = typed.trim() === '' ? 'Nothing was typed.' : 'That is not the identifier.';
      await ack({ response_action: 'errors', errors: { [BLOCK.typedConfirmationInput]: `${what} Type ${prompt.resourceId} exactly to delete it, or Cancel.` } });
      return;
    }
    await ack();
    const job: ClickJob = { user: body.user.id, channel: meta.channel, action: ACTION.deleteRetained, value: encodeRetentionValue({ promptId: prompt.id }), typed };
    await enqueueClick(svc, `${view.id}|${body.user.id}|submit`, job);
  });

  app.error(async (err) => {
    svc.warn({ err: err.message }, 'Slack listener error');
  });
}

async function enqueueClick(svc: SlackServices, key: string, job: ClickJob): Promise<void> {
  try {
    await svc.queues.enqueueInteraction(INTERACTION_JOB.click, key, { ...job });
  } catch (err) {
    svc.warn({ err: (err as Error).message }, 'could not queue a click');
    await sendReply(svc, job, { text: '❌ Rewind could not take this click (its queue is unavailable). Nothing was done; click again in a moment.' });
  }
}

/**
 * Opens the typed confirmation when this click approves a production cutover and the clicker
 * may approve it; returns false when the click should go to the approval job instead (which
 * decides, and explains any refusal).
 */
async function openTypedConfirmation(svc: SlackServices, who: Requester, raw: string, triggerId: string): Promise<boolean> {
  const value = parseGateValue(raw);
  const run = value ? await svc.store.getRun(value.runId) : undefined;
  const db = run ? databaseOf(svc.config, run.database) : undefined;
  if (!value || !run || !db || !needsTypedConfirmation(run, db)) return false;
  if (currentGate(run)?.gate !== value.gate || run.planHash !== value.planHash) return false;
  if (!mayApprove(who.user, run, db, await incidentCommander(svc, run.channel)).allowed) return false;
  await openView(svc, who, typedConfirmationView(run, value, who.channel), triggerId, 'Approve cutover…');
  return true;
}

/** Opens the typed confirmation of a production rollback for someone who may roll back; false otherwise. */
async function openTypedRollback(svc: SlackServices, who: Requester, raw: string, triggerId: string): Promise<boolean> {
  const value = parseGateValue(raw);
  const run = value ? await svc.store.getRun(value.runId) : undefined;
  const db = run ? databaseOf(svc.config, run.database) : undefined;
  if (!value || !run || !db?.production || !canOfferRollback(run) || run.planHash !== value.planHash) return false;
  if (!mayRollBack(who.user, run, db, await incidentCommander(svc, run.channel)).allowed) return false;
  await openView(svc, who, typedConfirmationView(run, value, who.channel, true), triggerId, 'Roll back cutover…');
  return true;
}

/** Opens the typed confirmation of deleting a production database's kept original, for someone who may decide; false otherwise. */
async function openTypedRetentionDeletion(svc: SlackServices, who: Requester, raw: string, triggerId: string): Promise<boolean> {
  const value = parseRetentionValue(raw);
  const prompt = value ? await new PgRetentionPromptStore(svc.pool).get(value.promptId) : undefined;
  const db = prompt ? databaseOf(svc.config, prompt.database) : undefined;
  if (!prompt || !db?.production || prompt.status !== 'open') return false;
  if (!mayDecideRetention(who.user, db, prompt.resourceId, 'delete', await incidentCommander(svc, prompt.channel)).allowed) return false;
  await openView(svc, who, retentionDeletionView(prompt, who.channel), triggerId, `Delete ${prompt.resourceId}…`);
  return true;
}

async function openView(svc: SlackServices, who: Requester, view: Record<string, unknown>, triggerId: string, button: string): Promise<void> {
  try {
    await svc.client.views.open({ trigger_id: triggerId, view: view as never });
  } catch (err) {
    const failure = classifySlackError(err);
    svc.countError('views.open', failure.error);
    await sendReply(svc, who, { text: `Could not open the confirmation (${failure.error}). Nothing was changed; click "${button}" again.` });
  }
}
