import type { RewindConfig } from '../src/config/schema';
import type { Reply, Requester, SlackServices } from '../src/slack/slack-services';

/**
 * The shape of a /dr subcommand. `prepare` runs in the listener before the acknowledgement: it
 * may read only the configuration (plus the channel's incident commander, one primary-key read)
 * and either answers at once (help, bad input, a refusal) or hands `execute` a job. `execute`
 * runs in the interactions worker, where provider calls and store transactions belong, and
 * returns the replies to send back.
 */

/**
 * operator: the database's operators; member: its operators and approvers; approver: approvers
 * of a database usable in the channel, or the channel's incident commander; anyone: everyone.
 */
export type CommandRole = 'operator' | 'member' | 'approver' | 'anyone';

export interface CommandSpec {
  name: string;
  /** This command's part of the manifest's usage hint, e.g. "pitr <db> <time>". */
  hint: string;
  usage: string;
  summary: string;
  role: CommandRole;
  scope: 'database' | 'run' | 'none';
  /** A complete example, with a database the caller may use when there is one. */
  example(database?: string): string;
}

export interface Invocation extends Requester {
  /** Arguments after the subcommand, split on whitespace. */
  args: string[];
  now: Date;
}

export interface PrepareContext {
  config: RewindConfig;
  incidentCommander(): Promise<string | undefined>;
}

/** A refusal worth an audit row (who was refused what, and why). */
export interface Refusal {
  action: string;
  reason: string;
  runId?: string;
}

export type Prepared = { kind: 'reply'; reply: Reply; refusal?: Refusal } | { kind: 'enqueue'; ack: string; data: Record<string, unknown> };

export interface SlashCommand {
  spec: CommandSpec;
  prepare(inv: Invocation, ctx: PrepareContext): Prepared | Promise<Prepared>;
  execute?(data: Record<string, unknown>, who: Requester, svc: SlackServices): Promise<Reply[]>;
}

export const reply = (text: string, refusal?: Refusal): Prepared => ({ kind: 'reply', reply: { text }, ...(refusal ? { refusal } : {}) });
