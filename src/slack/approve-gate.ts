import { mayApprove, needsTypedConfirmation, typedConfirmationMatches } from '../recovery/approval-policy';
import { RewindError } from '../recovery/errors';
import { currentGate } from '../recovery/gates';
import { databaseOf } from './channel-context';
import { parseGateValue } from './ids';
import { escapeMrkdwn } from './mrkdwn';
import { auditRefusal, incidentCommander, type Reply, type Requester, type SlackServices } from './slack-services';

/**
 * An approval click (or typed confirmation), decided on the server. The button's value is
 * untrusted: the clicker's rights come from rewind.yml and the run's channel, and the engine
 * approves only the gate the run waits at now under the plan it has now. Every refusal is
 * audited as `gate.refused` with its reason and explained to the clicker; nothing advances.
 * Returns the reply to send, or undefined when approved (the live message shows it).
 */
export async function approveGate(svc: SlackServices, who: Requester, raw: string, typed?: string): Promise<Reply | undefined> {
  const value = parseGateValue(raw);
  const refuse = async (reason: string, detail: Record<string, unknown>, runId?: string, stepIdx?: number): Promise<Reply> => {
    await auditRefusal(svc, { actor: who.user, action: 'gate.refused', runId: runId ?? null, stepIdx: stepIdx ?? null, reason, detail: { channel: who.channel, ...detail } });
    return { text: reason };
  };
  if (value === undefined) {
    return refuse("This button does not carry an approval Rewind issued, so nothing was approved. Use the buttons on the run's live message.", { code: 'BAD_BUTTON_VALUE', value: raw.slice(0, 300) });
  }
  const run = await svc.store.getRun(value.runId);
  if (!run) return refuse(`There is no run ${escapeMrkdwn(value.runId)}; nothing was approved. \`/dr status\` lists the recent runs.`, { code: 'RUN_NOT_FOUND', gate: value.gate });
  const detail = { gate: value.gate, planHash: value.planHash };
  const db = databaseOf(svc.config, run.database);
  if (!db) return refuse(`${run.database} is no longer in rewind.yml, so nobody may approve run ${run.id} from Slack.`, { ...detail, code: 'DATABASE_NOT_CONFIGURED' }, run.id, run.currentStep);
  const decision = mayApprove(who.user, run, db, await incidentCommander(svc, run.channel));
  if (!decision.allowed) return refuse(decision.reason, { ...detail, code: 'NOT_ALLOWED' }, run.id, run.currentStep);
  const gate = currentGate(run);
  if (needsTypedConfirmation(run, db) && gate?.gate === value.gate && !typedConfirmationMatches(typed ?? '', run.database)) {
    const reason = `${run.database} is production: its cutover is approved by typing its name in the confirmation dialog, not by a click. Nothing was approved; click "Approve cutover…" on the live message and type ${run.database}.`;
    return refuse(reason, { ...detail, code: 'TYPED_CONFIRMATION_REQUIRED' }, run.id, run.currentStep);
  }
  try {
    await svc.engine.approve({ runId: run.id, gate: value.gate, planHash: value.planHash, actor: who.user });
    return undefined;
  } catch (err) {
    if (!(err instanceof RewindError)) throw err;
    return refuse(err.userMessage, { ...detail, code: err.code }, run.id, run.currentStep);
  }
}
