import type { DatabaseConfig, RewindConfig } from '../src/config/schema';
import type { CommandRole } from './types';

/** Who may run what, from rewind.yml and the channel, for help and for commands without a run. */

export function usableIn(db: DatabaseConfig, channel: string): boolean {
  return db.channels === undefined || db.channels.includes(channel);
}

/** Approvers of a database usable here, or the channel's incident commander. */
export function approvesHere(user: string, config: RewindConfig, channel: string, incidentCommander: string | undefined): boolean {
  if (incidentCommander === user) return true;
  return Object.values(config.databases).some((db) => usableIn(db, channel) && db.approvers.includes(user));
}

/** The databases usable in `channel` on which `user` holds `role` (empty for commands without one). */
export function databasesFor(user: string, role: CommandRole, config: RewindConfig, channel: string): string[] {
  const usable = Object.values(config.databases).filter((db) => usableIn(db, channel));
  if (role === 'operator') return usable.filter((db) => db.operators.includes(user)).map((db) => db.name).sort();
  if (role === 'member') return usable.filter((db) => db.operators.includes(user) || db.approvers.includes(user)).map((db) => db.name).sort();
  return [];
}
