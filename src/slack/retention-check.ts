import type { RetentionPrompt } from '../recovery/retention-prompt';
import type { RetainedEntry } from '../recovery/retention-service';
import { databaseOf } from './channel-context';
import { forgetDeletion } from './retention-decision';
import { postPrompt, refreshPrompt, type RetentionDeps } from './retention-messages';
import type { SlackServices } from './slack-services';

/** A decision still "deciding" after this long was interrupted (a worker died mid-click). */
export const STUCK_DECISION_MS = 10 * 60_000;

export interface RetentionCheckResult {
  asked: number;
  closed: number;
  unlisted: string[];
}

const keyOf = (provider: string, id: string, until: Date) => `${provider}/${id}/${until.getTime()}`;

/**
 * The periodic retention check (the interactions queue's scheduler): asks once in the channel
 * of the run that kept it about each database whose retention is over, and closes questions
 * that no longer stand (the resource was deleted, put back in service or kept longer by other
 * means). It never deletes anything. A database whose resources could not be listed is left
 * alone this time: "not listed" is not taken for "gone".
 */
export async function checkRetention(svc: SlackServices, deps: RetentionDeps): Promise<RetentionCheckResult | undefined> {
  return deps.prompts.exclusively(() => checkNow(svc, deps));
}

async function checkNow(svc: SlackServices, deps: RetentionDeps): Promise<RetentionCheckResult> {
  const { due, unlisted } = await deps.service.dueNow();
  for (const database of unlisted) svc.warn({ database }, 'could not list the databases Rewind keeps; their retention prompts wait for the next check');
  const live = await deps.prompts.live();
  // Already asked: nothing to look up or write again every 15 minutes.
  const posted = new Set(live.filter((p) => p.messageTs).map((p) => keyOf(p.provider, p.resourceId, p.retainUntil)));
  let asked = 0;
  for (const entry of due) {
    if (posted.has(keyOf(entry.provider, entry.id, entry.retainUntil))) continue;
    const channel = await channelFor(svc, entry);
    if (!channel) {
      svc.warn({ database: entry.database, id: entry.id, run: entry.retainedBy }, 'a kept database is due for deletion, but neither its run nor rewind.yml names a channel to ask in');
      continue;
    }
    const { prompt } = await deps.prompts.open(entry, channel);
    if (prompt.status === 'open' && !prompt.messageTs && (await ask(svc, deps, prompt))) asked++;
  }
  const dueKeys = new Set(due.map((e) => keyOf(e.provider, e.id, e.retainUntil)));
  let closed = 0;
  // Questions created just now are due, so they have nothing to settle: the list read above will do.
  for (const p of live) {
    if (unlisted.includes(p.database)) continue;
    const stillDue = dueKeys.has(keyOf(p.provider, p.resourceId, p.retainUntil));
    const settled = await settleStale(svc, deps, p, stillDue);
    if (settled) {
      closed++;
      await refreshPrompt(svc, deps, settled);
    }
  }
  return { asked, closed, unlisted };
}

/** Slack errors after which the run's channel is given up for the database's own channel. */
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/**
 * Posts the question. An incident channel is often archived by the time a retention ends: then
 * it goes to the database's channel in rewind.yml instead. Any other failure is retried by the
 * next check (a crash between posting and recording the message can ask twice; nothing else can).
 */
async function ask(svc: SlackServices, deps: RetentionDeps, prompt: RetentionPrompt): Promise<boolean> {
  let p = prompt;
  for (;;) {
    const posted = await postPrompt(svc, deps, p);
    if ('ts' in posted) {
      await deps.prompts.setMessage(p.id, posted.ts);
      return true;
    }
    const fallback = databaseOf(svc.config, p.database)?.channels?.[0];
    const moved = CHANNEL_GONE.has(posted.error) && fallback && fallback !== p.channel ? await deps.prompts.moveChannel(p.id, fallback) : undefined;
    if (!moved) {
      svc.warn(
        { prompt: p.id, channel: p.channel, error: posted.error },
        posted.refused
          ? `Slack refused the retention prompt about ${p.resourceId} (${posted.error}); invite Rewind to that channel or list a channel for ${p.database} in rewind.yml. The next check tries again.`
          : 'could not post a retention prompt; the next check tries again',
      );
      return false;
    }
    svc.warn({ prompt: p.id, from: p.channel, to: fallback, error: posted.error }, "the run's channel refused the retention prompt; asking in the database's channel instead");
    p = moved;
  }
}

async function settleStale(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt, stillDue: boolean): Promise<RetentionPrompt | undefined> {
  if (p.status === 'open') {
    return stillDue ? undefined : deps.prompts.settle(p.id, 'open', 'gone', { note: 'Rewind no longer keeps it for deletion: it was deleted, put back in service, or its retention was changed outside Slack.' });
  }
  if (svc.now().getTime() - p.updatedAt.getTime() < STUCK_DECISION_MS) return undefined;
  // An interrupted click: if the resource is still waiting (so not deleted), the question stands again.
  if (stillDue) await forgetDeletion(svc, p);
  return stillDue
    ? deps.prompts.settle(p.id, 'deciding', 'open', { error: 'the last decision was interrupted before it was carried out; nothing was deleted. Click again.' })
    : deps.prompts.settle(p.id, 'deciding', 'gone', { note: 'it is no longer kept for deletion; the decision that was being carried out was interrupted, so check the AWS console for what happened.' });
}

/** The channel of the run that kept the resource, else the database's first channel in rewind.yml. */
async function channelFor(svc: SlackServices, entry: RetainedEntry): Promise<string | undefined> {
  const run = await svc.store.getRun(entry.retainedBy).catch(() => undefined);
  return run?.channel ?? databaseOf(svc.config, entry.database)?.channels?.[0];
}
