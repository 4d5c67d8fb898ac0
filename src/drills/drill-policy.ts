import type { DatabaseAccess, Decision } from '../recovery/approval-policy';
import type { Drill } from './drill';

/**
 * Who may skip or postpone a scheduled drill: the database's operators and approvers, and the
 * incident commander of the drill's channel. Re-checked on every click and every modal
 * submission, since button values and views come back from the client.
 */
export function mayChangeDrill(user: string, drill: Pick<Drill, 'id' | 'database' | 'status'>, db: Pick<DatabaseAccess, 'name' | 'operators' | 'approvers'>, incidentCommander?: string): Decision {
  const allowed = db.operators.includes(user) || db.approvers.includes(user) || (incidentCommander !== undefined && incidentCommander === user);
  if (!allowed) {
    const who = [...new Set([...db.operators, ...db.approvers])].slice(0, 3).map((u) => `<@${u}>`);
    const ic = incidentCommander ? ` or the channel's incident commander <@${incidentCommander}>` : '';
    return {
      allowed: false,
      reason: `Only operators and approvers of ${db.name}${ic ? ', and the incident commander,' : ''} can skip or postpone its drills. Ask ${who.join(', ') || 'whoever maintains rewind.yml'}${ic}; nothing was changed.`,
    };
  }
  if (drill.status !== 'announced') {
    return { allowed: false, reason: `Drill ${drill.id} of ${db.name} is ${drill.status} and can no longer be skipped or postponed${drill.status === 'running' ? '; abort its run instead with /dr abort' : ''}.` };
  }
  return { allowed: true };
}
