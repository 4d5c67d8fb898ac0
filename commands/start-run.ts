import type { DatabaseConfig } from '../src/config/schema';
import { reviveTarget, serializeTarget } from '../src/persistence/run-rows';
import type { RestoreTarget, SourceDescription } from '../src/providers/ports';
import { mayStartRun } from '../src/recovery/approval-policy';
import { RewindError } from '../src/recovery/errors';
import { startPreemptingDrill } from '../src/recovery/drill-preemption';
import { buildRecoveryPlan, planSubject } from '../src/recovery/plans';
import { checkTargetInWindow } from '../src/recovery/restore-window';
import { context } from '../src/slack/blocks';
import { channelZone, databaseOf } from '../src/slack/channel-context';
import { escapeClip, escapeMrkdwn } from '../src/slack/mrkdwn';
import { renderPreflight } from '../src/slack/render-preflight';
import type { Reply, Requester, SlackServices } from '../src/slack/slack-services';
import type { Prepared } from './types';

/**
 * What pitr and restore share once the input is valid: the job (database + target), and its
 * execution: describe the source, check the target against the restorable window, and only
 * then create the run and show the pre-flight. Nothing is created when any check fails.
 */

const DESCRIBE_TIMEOUT_MS = 20_000;

export function startRunJob(db: DatabaseConfig, target: RestoreTarget, shown: string): Prepared {
  return {
    kind: 'enqueue',
    ack: `⏳ Checking the restorable window of ${db.name} for ${escapeClip(shown, 120)}; the pre-flight follows here. Nothing is changed before you approve.`,
    data: { database: db.name, target: serializeTarget(target) },
  };
}

export async function executeStartRun(data: Record<string, unknown>, who: Requester, svc: SlackServices): Promise<Reply[]> {
  const db = databaseOf(svc.config, String(data.database));
  if (!db) return [{ text: `There is no database ${escapeMrkdwn(String(data.database))} in rewind.yml any more. Nothing was started.` }];
  const allowed = mayStartRun(who.user, db, who.channel);
  if (!allowed.allowed) return [{ text: allowed.reason }];
  const target = reviveTarget(data.target);
  let desc: SourceDescription;
  let providers;
  try {
    providers = svc.providers(db.name);
    desc = await withTimeout(providers.source.describe(), DESCRIBE_TIMEOUT_MS, `reading the restorable window of ${db.name} took longer than ${DESCRIBE_TIMEOUT_MS / 1000} s`);
  } catch (err) {
    const why = err instanceof RewindError ? err.userMessage : (err as Error).message;
    return [{ text: `❌ Could not read the restorable window of ${db.name}: ${escapeClip(why, 500)} Nothing was started. Try again in a minute; if it keeps failing, check the source in the provider's console.` }];
  }
  const problem = checkTargetInWindow(target, desc.window, desc.backups);
  if (problem) return [{ text: `❌ ${escapeClip(problem.message, 800)} Nothing was started.` }];
  const plan = buildRecoveryPlan(planSubject(db.name, providers, db.validation.length), target);
  let runId: string;
  let preempted: string | undefined;
  try {
    const started = await startPreemptingDrill(svc.engine, svc.store, { plan, requestedBy: who.user, channel: who.channel, meta: { requestedVia: 'slack' } });
    runId = started.run.id;
    preempted = started.preemptedDrill;
  } catch (err) {
    if (err instanceof RewindError) return [{ text: `❌ ${err.userMessage} Nothing was started.` }];
    throw err;
  }
  const preflight = renderPreflight({
    plan,
    zone: channelZone(svc.config, who.channel),
    source: `${db.name} (${db.provider}, ${desc.engine})`,
    window: desc.window,
    rtoMs: db.rto,
    rpoMs: db.rpo,
  });
  const note = preempted ? `The drill ${preempted} that was running on ${db.name} was aborted to make way; its sandbox is being torn down. ` : '';
  const started = context([`${note}Run \`${runId}\` is created and waits for the restore approval; its live message is in this channel. To stop it: \`/dr abort ${runId}\`.`]);
  return [{ text: preflight.text, blocks: [...preflight.blocks, started] }];
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message}.`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
