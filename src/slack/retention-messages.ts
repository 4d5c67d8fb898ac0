import { appendAudit } from '../persistence/audit-log';
import { PgRetentionPromptStore } from '../persistence/retention-prompt-store';
import type { RetentionPrompt } from '../recovery/retention-prompt';
import { RetentionService } from '../recovery/retention-service';
import { channelZone, databaseOf } from './channel-context';
import { renderRetentionPrompt } from './render-retention';
import { classifySlackError } from './slack-api';
import type { SlackServices } from './slack-services';

/** The retention use cases and prompt store over what the interactions worker already has. */
export interface RetentionDeps {
  service: RetentionService;
  prompts: PgRetentionPromptStore;
}

export function retentionDepsFrom(svc: SlackServices): RetentionDeps {
  return {
    service: new RetentionService({
      databases: Object.keys(svc.config.databases),
      providers: svc.providers,
      audit: (e) => appendAudit(svc.pool, { actor: e.actor, action: e.action, runId: e.runId, detail: e.detail }, svc.scrub),
      now: () => svc.now(),
    }),
    prompts: new PgRetentionPromptStore(svc.pool, svc.scrub),
  };
}

/** The database's retention; rewind.yml's top-level one when its adapters cannot be built now. */
function keepForMs(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt): number {
  try {
    return deps.service.keepForMs(p.database) ?? svc.config.retention;
  } catch {
    return svc.config.retention;
  }
}

/** The prompt as a message, with its channel's zone and its database's settings. */
function renderFor(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt) {
  return renderRetentionPrompt(p, { zone: channelZone(svc.config, p.channel), keepForMs: keepForMs(svc, deps, p), production: databaseOf(svc.config, p.database)?.production ?? false });
}

/** Posts the prompt's message: its ts, or Slack's error (counted; the caller decides what next). */
export async function postPrompt(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt): Promise<{ ts: string } | { error: string; refused: boolean }> {
  const message = renderFor(svc, deps, p);
  try {
    const res = await svc.client.chat.postMessage({ channel: p.channel, ...message, unfurl_links: false, unfurl_media: false } as never);
    return typeof res.ts === 'string' ? { ts: res.ts } : { error: 'no_ts', refused: false };
  } catch (err) {
    const failure = classifySlackError(err);
    svc.countError('chat.postMessage', failure.error);
    return { error: failure.error, refused: failure.kind === 'refused' };
  }
}

/** Re-renders a prompt's message in place; a failure is logged (the decision itself is already recorded). */
export async function refreshPrompt(svc: SlackServices, deps: RetentionDeps, p: RetentionPrompt): Promise<void> {
  if (!p.messageTs) return;
  const message = renderFor(svc, deps, p);
  try {
    await svc.client.chat.update({ channel: p.channel, ts: p.messageTs, ...message } as never);
  } catch (err) {
    const failure = classifySlackError(err);
    svc.countError('chat.update', failure.error);
    svc.warn({ prompt: p.id, channel: p.channel, error: failure.error }, 'could not update a retention prompt');
  }
}
