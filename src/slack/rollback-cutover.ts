import { mayRollBack, typedConfirmationMatches } from '../recovery/approval-policy';
import { RewindError } from '../recovery/errors';
import { databaseOf } from './channel-context';
import { parseGateValue } from './ids';
import { escapeMrkdwn } from './mrkdwn';
import { ROLLBACK_GATE } from './rollback-actions';
import { auditRefusal, incidentCommander, type Reply, type Requester, type SlackServices } from './slack-services';

/**
 * A "Roll back cutover" click (or its typed confirmation), decided on the server: the button's
 * run and plan hash must match the run, the clicker must be an approver (or the channel's
 * incident commander), and a production database's name must have been typed. The engine then
 * refuses anything but a succeeded run with a cutover to undo. Refusals are audited as
 * `run.rollback_refused` and explained; nothing changes on a refusal.
 */
export async function rollBackCutover(svc: SlackServices, who: Requester, raw: string, typed?: string): Promise<Reply> {
  const refuse = async (reason: string, detail: Record<string, unknown>, runId?: string): Promise<Reply> => {
    await auditRefusal(svc, { actor: who.user, action: 'run.rollback_refused', runId: runId ?? null, reason, detail: { channel: who.channel, ...detail } });
    return { text: reason };
  };
  const value = parseGateValue(raw);
  if (!value || value.gate !== ROLLBACK_GATE) return refuse("This button does not carry a rollback Rewind issued, so nothing was changed. Use the button on the run's live message.", { code: 'BAD_BUTTON_VALUE', value: raw.slice(0, 300) });
  const run = await svc.store.getRun(value.runId);
  if (!run) return refuse(`There is no run ${escapeMrkdwn(value.runId)}; nothing was changed.`, { code: 'RUN_NOT_FOUND' });
  const db = databaseOf(svc.config, run.database);
  if (!db) return refuse(`${run.database} is no longer in rewind.yml, so nobody may roll back run ${run.id} from Slack.`, { code: 'DATABASE_NOT_CONFIGURED' }, run.id);
  const decision = mayRollBack(who.user, run, db, await incidentCommander(svc, run.channel));
  if (!decision.allowed) return refuse(decision.reason, { code: 'NOT_ALLOWED' }, run.id);
  if (value.planHash !== run.planHash) return refuse(`This button belongs to another plan of run ${run.id}; nothing was changed. Use the button on the run's live message.`, { code: 'STALE_PLAN' }, run.id);
  if (db.production && !typedConfirmationMatches(typed ?? '', run.database)) {
    return refuse(`${run.database} is production: rolling back its cutover is confirmed by typing its name. Nothing was changed; click "Roll back cutover…" on the live message and type ${run.database}.`, { code: 'TYPED_CONFIRMATION_REQUIRED' }, run.id);
  }
  try {
    await svc.engine.rollbackCutover(run.id, who.user);
    return { text: `↩️ Rolling back the cutover of run ${run.id}: applications are pointed back at the database it replaced. The live message follows it.` };
  } catch (err) {
    if (!(err instanceof RewindError)) throw err;
    return refuse(err.userMessage, { code: err.code }, run.id);
  }
}
