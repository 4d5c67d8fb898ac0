import type { DatabaseConfig } from '../config/schema';
import { currentGate, isCutoverGate } from './gates';
import type { Run } from './run';

/**
 * Who may do what, as pure functions of the configuration and the run. Every click and command
 * is re-checked here on the server (button values are untrusted). Refusals say why and whom to ask.
 */

export type Decision = { allowed: true } | { allowed: false; reason: string };

/** The parts of a database's configuration authorization reads. */
export type DatabaseAccess = Pick<DatabaseConfig, 'name' | 'production' | 'twoPersonRule' | 'operators' | 'approvers' | 'channels'>;

const ALLOWED: Decision = { allowed: true };
const refuse = (reason: string): Decision => ({ allowed: false, reason });

/** Operators start runs, and only in the database's channels when it lists any. */
export function mayStartRun(user: string, db: DatabaseAccess, channel: string | null): Decision {
  if (!db.operators.includes(user)) {
    return refuse(`You are not an operator of ${db.name}, so you cannot start runs for it. Ask ${people(db.operators)}, or ask whoever maintains rewind.yml to add your member ID (${user}) to operators of ${db.name}.`);
  }
  const channelProblem = channelRefusal(db, channel);
  return channelProblem ?? ALLOWED;
}

/**
 * Approvers of the database and the incident commander of the run's channel approve the gate the
 * run waits at. Under the two-person rule the requester never approves their own run.
 */
export function mayApprove(user: string, run: Run, db: DatabaseAccess, incidentCommander?: string): Decision {
  const gate = currentGate(run);
  if (gate === undefined) {
    return refuse(`Run ${run.id} is ${run.status.replace('_', ' ')} and is not waiting for an approval, so there is nothing to approve. The run's live message shows what it is doing.`);
  }
  const isApprover = db.approvers.includes(user) || (incidentCommander !== undefined && incidentCommander === user);
  if (!isApprover) {
    return refuse(`You are not an approver of ${db.name}, so you cannot approve the ${gate.gate} of run ${run.id}. Ask ${approversOf(db, incidentCommander, run.requestedBy)}.`);
  }
  if (db.twoPersonRule && user === run.requestedBy) {
    return refuse(`${db.name} follows the two-person rule: you started run ${run.id}, so someone else must approve its ${gate.gate}. Ask ${approversOf(db, incidentCommander, user)}.`);
  }
  return ALLOWED;
}

/** Operators, approvers and the incident commander may stop a run (stopping is always safe to allow). */
export function mayAbort(user: string, run: Run, db: DatabaseAccess, incidentCommander?: string): Decision {
  if (db.operators.includes(user) || db.approvers.includes(user) || incidentCommander === user) return ALLOWED;
  return refuse(`You are neither an operator nor an approver of ${db.name}, so you cannot abort run ${run.id}. Ask ${people([...db.operators, ...db.approvers])}.`);
}

/**
 * Approvers of the database and the channel's incident commander roll back a succeeded run's
 * cutover: it points applications back at the replaced database, a decision as weighty as the
 * cutover itself. The two-person rule does not apply: undoing must never wait for a second person.
 */
export function mayRollBack(user: string, run: Run, db: DatabaseAccess, incidentCommander?: string): Decision {
  if (db.approvers.includes(user) || (incidentCommander !== undefined && incidentCommander === user)) return ALLOWED;
  return refuse(`You are not an approver of ${db.name}, so you cannot roll back the cutover of run ${run.id}. Ask ${approversOf(db, incidentCommander, user)}.`);
}

/**
 * What happens to a kept database once its retention is over. Deleting it is irreversible and
 * comes days after the incident, so only rewind.yml's approvers decide it; keeping it longer is
 * safe, so the incident commander of the channel where Rewind asked may decide that too.
 */
export function mayDecideRetention(user: string, db: DatabaseAccess, resource: string, action: 'delete' | 'keep', incidentCommander?: string): Decision {
  if (db.approvers.includes(user)) return ALLOWED;
  if (action === 'keep' && incidentCommander !== undefined && incidentCommander === user) return ALLOWED;
  if (action === 'delete') {
    const ask = db.approvers.length > 0 ? people(db.approvers) : `whoever maintains rewind.yml to add approvers for ${db.name}`;
    return refuse(`Only approvers of ${db.name} listed in rewind.yml may delete ${resource}. Ask ${ask}${incidentCommander === user ? '; as incident commander you may keep it longer' : ''}.`);
  }
  return refuse(`You are not an approver of ${db.name}, so you cannot decide what happens to ${resource}. Ask ${approversOf(db, incidentCommander, user)}.`);
}

/** Operators resume failed runs (resuming restarts work, like starting a run). */
export function mayResume(user: string, run: Run, db: DatabaseAccess): Decision {
  if (db.operators.includes(user)) return ALLOWED;
  return refuse(`You are not an operator of ${db.name}, so you cannot resume run ${run.id}. Ask ${people(db.operators)}.`);
}

/** A production database's cutover gate is approved by typing the database name, not by one click. */
export function needsTypedConfirmation(run: Run, db: Pick<DatabaseConfig, 'production'>): boolean {
  const gate = currentGate(run);
  return db.production && gate !== undefined && isCutoverGate(run, gate.step.idx);
}

/** True when `typed` confirms `database` (surrounding spaces and backticks are forgiven, case is not). */
export function typedConfirmationMatches(typed: string, database: string): boolean {
  return typed.trim().replace(/^`+|`+$/g, '') === database;
}

function channelRefusal(db: DatabaseAccess, channel: string | null): Decision | undefined {
  if (db.channels === undefined || (channel !== null && db.channels.includes(channel))) return undefined;
  const where = db.channels.map((c) => `<#${c}>`).join(', ');
  const here = channel === null ? 'this conversation is not a channel' : 'this channel is not one of them';
  return refuse(`Runs for ${db.name} can only be started in ${where}; ${here}. Start it there, or ask whoever maintains rewind.yml to add this channel's ID to channels of ${db.name}.`);
}

function approversOf(db: DatabaseAccess, incidentCommander: string | undefined, except: string): string {
  const names = db.approvers.filter((u) => u !== except);
  if (incidentCommander !== undefined && incidentCommander !== except && !names.includes(incidentCommander)) {
    return names.length > 0 ? `${people(names)}, or the incident commander <@${incidentCommander}>` : `the incident commander <@${incidentCommander}>`;
  }
  return names.length > 0 ? people(names) : `whoever maintains rewind.yml to add approvers for ${db.name}`;
}

/** "<@U1>", "<@U1> or <@U2>", "<@U1>, <@U2> or 3 others". */
export function people(ids: readonly string[]): string {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 'whoever maintains rewind.yml';
  const shown = unique.slice(0, 3).map((u) => `<@${u}>`);
  const rest = unique.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} or ${rest} other${rest === 1 ? '' : 's'} listed in rewind.yml`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1] ?? ''}`;
}
