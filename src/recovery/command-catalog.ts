/**
 * Every /dr subcommand with who may run it, so help shows each person only what they may run.
 * `role`: operator = the database's operators; member = its operators or approvers;
 * anyone = everyone in the workspace. `scope` says what the command names: a database, a run, or nothing.
 */

export type CommandRole = 'operator' | 'member' | 'anyone';

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  role: CommandRole;
  scope: 'database' | 'run' | 'none';
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'pitr',
    usage: '/dr pitr <database> <time>',
    summary: 'Restore to a point in time (2024-05-01T10:02:00Z, 2024-05-01 12:02 Europe/Berlin, 15m ago) into a new instance; nothing is cut over without approval',
    role: 'operator',
    scope: 'database',
  },
  {
    name: 'restore',
    usage: '/dr restore <database> latest|<backup-id>',
    summary: 'Restore the latest restorable point or a named backup into a new instance',
    role: 'operator',
    scope: 'database',
  },
  { name: 'drill', usage: '/dr drill <database>', summary: 'Restore into a sandbox, validate, measure RTO and RPO, and tear it down', role: 'operator', scope: 'database' },
  { name: 'failover', usage: '/dr failover <database>', summary: 'Promote the standby or replica and cut over after approval', role: 'operator', scope: 'database' },
  { name: 'backups', usage: '/dr backups <database>', summary: 'Show the restorable window and the backups', role: 'member', scope: 'database' },
  { name: 'resume', usage: '/dr resume <run-id>', summary: 'Retry a failed run from the step that failed', role: 'operator', scope: 'run' },
  { name: 'abort', usage: '/dr abort <run-id>', summary: 'Stop a run and undo what it created', role: 'member', scope: 'run' },
  { name: 'status', usage: '/dr status [run-id]', summary: 'Show active and recent runs, or one run', role: 'anyone', scope: 'none' },
  { name: 'help', usage: '/dr help', summary: 'Show the commands you may run here', role: 'anyone', scope: 'none' },
];
