import { markReplacedDeletion, settleReplacedDeletion } from '../persistence/run-commands';
import { mayDecideRetention } from '../recovery/approval-policy';
import { RewindError } from '../recovery/errors';
import type { RetentionPrompt } from '../recovery/retention-prompt';
import { DELETED_NOT_RECORDED, type RetainedRef } from '../recovery/retention-service';
import { DELETE_OUTCOME_UNKNOWN } from '../providers/ports';
import { databaseOf } from './channel-context';
import { ACTION, parseRetentionValue } from './ids';
import { escapeClip, mention } from './mrkdwn';
import { refreshPrompt, type RetentionDeps } from './retention-messages';
import { typedResourceMatches } from './retention-modal';
import { auditRefusal, incidentCommander, type Reply, type Requester, type SlackServices } from './slack-services';

export type RetentionAction = typeof ACTION.deleteRetained | typeof ACTION.keepRetained;

/**
 * A click on "Delete …" or "Keep … more" of a retention prompt, decided on the server. The button
 * names only the prompt; deleting is for the database's approvers, keeping longer also for the
 * incident commander of the prompt's channel; the prompt must still be open, and deleting a production
 * database's original needs its identifier typed. The prompt is taken for this one decision
 * before anything is called, so two clicks never both act; the retention service then re-reads
 * the resource's tags (and, for a deletion, that it is due) right before acting. Refusals are
 * audited as `retention.decision_refused` and explained.
 */
export async function decideRetention(svc: SlackServices, deps: RetentionDeps, who: Requester, action: RetentionAction, raw: string, typed?: string): Promise<Reply> {
  const refuse = async (reason: string, detail: Record<string, unknown>, runId?: string): Promise<Reply> => {
    await auditRefusal(svc, { actor: who.user, action: 'retention.decision_refused', runId: runId ?? null, reason, detail: { channel: who.channel, action, ...detail } });
    return { text: reason };
  };
  const value = parseRetentionValue(raw);
  const prompt = value ? await deps.prompts.get(value.promptId) : undefined;
  if (!prompt) return refuse('This button does not belong to a question Rewind asked, so nothing was changed. Use the buttons on the latest retention message.', { code: 'BAD_BUTTON_VALUE', value: raw.slice(0, 300) });
  const resource = `${prompt.resourceId} (${prompt.database})`;
  const db = databaseOf(svc.config, prompt.database);
  if (!db) {
    return refuse(`${prompt.database} is no longer in rewind.yml, so nobody may decide about ${prompt.resourceId} from Slack; nothing was changed. Add it back to rewind.yml, or delete ${prompt.resourceId} by hand.`, { code: 'DATABASE_NOT_CONFIGURED', prompt: prompt.id }, prompt.retainedBy);
  }
  const decision = mayDecideRetention(who.user, db, resource, action === ACTION.deleteRetained ? 'delete' : 'keep', await incidentCommander(svc, prompt.channel));
  if (!decision.allowed) return refuse(decision.reason, { code: 'NOT_ALLOWED', prompt: prompt.id }, prompt.retainedBy);
  if (prompt.status !== 'open') return { text: alreadyDecided(prompt) };
  if (action === ACTION.deleteRetained && db.production && !typedResourceMatches(typed ?? '', prompt.resourceId)) {
    return refuse(
      `${prompt.database} is production: deleting ${prompt.resourceId} is confirmed by typing its identifier. Nothing was deleted; click "Delete ${prompt.resourceId}…" and type ${prompt.resourceId}.`,
      { code: 'TYPED_CONFIRMATION_REQUIRED', prompt: prompt.id },
      prompt.retainedBy,
    );
  }
  const claimed = await deps.prompts.claim(prompt.id, who.user);
  if (!claimed) return { text: alreadyDecided((await deps.prompts.get(prompt.id)) ?? prompt) };
  await refreshPrompt(svc, deps, claimed);
  const settled = action === ACTION.deleteRetained ? await deleteIt(svc, deps, claimed, who.user) : await keepIt(svc, deps, claimed, who.user);
  await refreshPrompt(svc, deps, settled.prompt);
  return { text: settled.reply };
}

async function deleteIt(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt, user: string): Promise<{ prompt: RetentionPrompt; reply: string }> {
  const replaced = p.role === 'replaced';
  try {
    // Before the delete call: from here on the cutover that replaced it cannot be rolled back.
    if (replaced) {
      await markReplacedDeletion(svc.pool, p.retainedBy, user, p.resourceId);
      await svc.queues.requestSync(p.retainedBy).catch(() => undefined);
    }
  } catch (err) {
    return failed(svc, deps, p, err, 'deleted');
  }
  let finalSnapshot: string | undefined;
  let warning = '';
  try {
    ({ finalSnapshot } = await deps.service.approveDeletion(refOf(p), user));
  } catch (err) {
    if (err instanceof RewindError && err.code === DELETED_NOT_RECORDED) {
      const snapshot = err.detail?.finalSnapshot;
      finalSnapshot = typeof snapshot === 'string' ? snapshot : undefined;
      warning = ` ⚠️ ${err.userMessage}`;
      svc.warn({ prompt: p.id, err: err.userMessage }, 'a kept database was deleted but the audit row saying so was not written');
    } else {
      // Only when nothing was deleted may the cutover be rolled back again; an unknown outcome keeps it refused.
      const unknown = err instanceof RewindError && err.code === DELETE_OUTCOME_UNKNOWN;
      if (replaced && !unknown) await forgetDeletion(svc, p);
      return failed(svc, deps, p, err, 'deleted');
    }
  }
  if (replaced) {
    // A failure here leaves the mark at "deleting", which still refuses a rollback: the safe side.
    await settleReplacedDeletion(svc.pool, p.retainedBy, { deleted: true, ...(finalSnapshot ? { finalSnapshot } : {}) }).catch((e: unknown) =>
      svc.warn({ run: p.retainedBy, err: (e as Error).message }, 'could not record a replaced database as deleted'),
    );
  }
  const prompt = await settle(deps, p, 'deleted', finalSnapshot ? { finalSnapshot } : {});
  return { prompt, reply: `🗑️ Deleting ${p.resourceId}${finalSnapshot ? `; its final snapshot is ${finalSnapshot}` : ''}.${warning}` };
}

/** The replaced database is still there: its cutover may be rolled back again. */
export async function forgetDeletion(svc: Pick<SlackServices, 'pool' | 'queues' | 'warn'>, p: RetentionPrompt): Promise<void> {
  if (p.role !== 'replaced') return;
  try {
    await settleReplacedDeletion(svc.pool, p.retainedBy, { deleted: false });
    await svc.queues.requestSync(p.retainedBy).catch(() => undefined);
  } catch (e) {
    svc.warn({ run: p.retainedBy, err: (e as Error).message }, `could not clear the deletion mark of run ${p.retainedBy}: its cutover stays refused for rollback until a Keep click or the next retention check clears it`);
  }
}

async function keepIt(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt, user: string): Promise<{ prompt: RetentionPrompt; reply: string }> {
  try {
    const { kept } = await deps.service.keep(refOf(p), user);
    // Kept, so still there: a mark left by an earlier delete that did not happen goes.
    await forgetDeletion(svc, p);
    const prompt = await settle(deps, p, 'kept', { keptUntil: kept.retainUntil.toISOString() });
    return { prompt, reply: `📌 ${p.resourceId} is kept until ${kept.retainUntil.toISOString()}; Rewind asks again then.` };
  } catch (err) {
    return failed(svc, deps, p, err, 'kept');
  }
}

/** A resource that is no longer Rewind's to decide about closes the question; anything else reopens it. */
async function failed(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt, err: unknown, verb: string): Promise<{ prompt: RetentionPrompt; reply: string }> {
  if (!(err instanceof RewindError)) svc.warn({ prompt: p.id, err: (err as Error).message }, `a retention decision failed unexpectedly; nothing was ${verb}`);
  const message =
    err instanceof RewindError ? err.userMessage : `Rewind could not carry it out (an unexpected ${(err as Error).name ?? 'error'}; the log has the details). Nothing was ${verb}; click again.`;
  const gone = err instanceof RewindError && (err.code === 'RETAINED_NOT_FOUND' || err.code === 'RETENTION_CHANGED');
  const prompt = gone ? await settle(deps, p, 'gone', { note: message }) : await settle(deps, p, 'open', { error: message });
  return { prompt, reply: `${p.resourceId} was not ${verb}: ${message}` };
}

/** The resource, and the retention the question was asked about (a decision on a stale question is refused). */
function refOf(p: RetentionPrompt): RetainedRef {
  return { database: p.database, id: p.resourceId, asked: { retainUntil: p.retainUntil, retainedBy: p.retainedBy } };
}

async function settle(deps: RetentionDeps, p: RetentionPrompt, to: RetentionPrompt['status'], outcome: RetentionPrompt['outcome']): Promise<RetentionPrompt> {
  return (await deps.prompts.settle(p.id, 'deciding', to, outcome)) ?? { ...p, status: to, outcome };
}

function alreadyDecided(p: RetentionPrompt): string {
  const by = p.decidedBy ? ` by ${mention(p.decidedBy)}` : '';
  const what = escapeClip(p.resourceId, 100);
  switch (p.status) {
    case 'open':
    case 'deciding':
      return `A decision about ${what} is being carried out already${by}; nothing more was done. Its message shows the outcome.`;
    case 'deleted':
      return `${what} was deleted already${by}.`;
    case 'kept':
      return `${what} is kept longer already${by}; Rewind asks again when that time passes.`;
    case 'gone':
      return `There is nothing to decide about ${what} any more: ${escapeClip(p.outcome.note ?? 'Rewind no longer keeps it', 300)}.`;
  }
}
