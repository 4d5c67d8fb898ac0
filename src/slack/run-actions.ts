import { mayAbort, mayResume } from '../recovery/approval-policy';
import { RewindError } from '../recovery/errors';
import type { Run } from '../recovery/run';
import { databaseOf } from './channel-context';
import { escapeMrkdwn } from './mrkdwn';
import { auditRefusal, incidentCommander, type Reply, type Requester, type SlackServices } from './slack-services';

/**
 * Abort and resume, as `/dr abort|resume <run-id>` and the buttons ask for them: the caller's
 * rights are checked against rewind.yml and the run's channel, then the engine decides whether
 * the run's state allows it. Refusals are audited and explained; nothing changes on a refusal.
 */

type Loaded = { ok: true; run: Run } | { ok: false; reply: Reply };

async function load(svc: SlackServices, runId: string): Promise<Loaded> {
  const run = await svc.store.getRun(runId);
  if (!run) return { ok: false, reply: { text: `There is no run ${escapeMrkdwn(runId)}. \`/dr status\` lists the recent runs.` } };
  return { ok: true, run };
}

function gone(run: Run): Reply {
  return { text: `${run.database} is no longer in rewind.yml, so nobody may act on run ${run.id} from Slack. Ask whoever maintains rewind.yml.` };
}

export async function abortRun(svc: SlackServices, who: Requester, runId: string, via: string): Promise<Reply> {
  const loaded = await load(svc, runId);
  if (!loaded.ok) return loaded.reply;
  const { run } = loaded;
  const db = databaseOf(svc.config, run.database);
  if (!db) return gone(run);
  const decision = mayAbort(who.user, run, db, await incidentCommander(svc, run.channel));
  if (!decision.allowed) {
    await auditRefusal(svc, { actor: who.user, action: 'run.abort_refused', runId: run.id, stepIdx: run.currentStep, reason: decision.reason, detail: { via } });
    return { text: decision.reason };
  }
  try {
    const after = await svc.engine.abort(run.id, who.user, `aborted by ${who.user} (${via})`);
    const undo = after.status === 'rolling_back' ? ' What it created is being removed, newest first;' : '';
    return { text: `⏹️ Run ${run.id} is aborted.${undo} ${run.database} itself is not touched. The live message follows it.` };
  } catch (err) {
    if (!(err instanceof RewindError)) throw err;
    await auditRefusal(svc, { actor: who.user, action: 'run.abort_refused', runId: run.id, reason: err.userMessage, detail: { code: err.code, via } });
    return { text: err.userMessage };
  }
}

export async function resumeRun(svc: SlackServices, who: Requester, runId: string, via: string): Promise<Reply> {
  const loaded = await load(svc, runId);
  if (!loaded.ok) return loaded.reply;
  const { run } = loaded;
  const db = databaseOf(svc.config, run.database);
  if (!db) return gone(run);
  const decision = mayResume(who.user, run, db);
  if (!decision.allowed) {
    await auditRefusal(svc, { actor: who.user, action: 'run.resume_refused', runId: run.id, stepIdx: run.currentStep, reason: decision.reason, detail: { via } });
    return { text: decision.reason };
  }
  try {
    const after = await svc.engine.resume(run.id, who.user);
    const step = after.steps[after.currentStep];
    return { text: `▶️ Run ${run.id} resumed${step ? ` from step ${step.idx + 1}, "${escapeMrkdwn(step.name)}"` : ''}. The live message follows it.` };
  } catch (err) {
    if (!(err instanceof RewindError)) throw err;
    await auditRefusal(svc, { actor: who.user, action: 'run.resume_refused', runId: run.id, reason: err.userMessage, detail: { code: err.code, via } });
    return { text: err.userMessage };
  }
}
