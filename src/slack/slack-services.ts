import type { Pool } from 'pg';
import type { RewindConfig } from '../config/schema';
import { appendAudit, type Scrubber } from '../persistence/audit-log';
import type { PgRunStore } from '../persistence/pg-run-store';
import type { ProviderResolver } from '../providers/ports';
import type { RunEngine } from '../recovery/run-engine';
import type { SlackQueues } from '../queue/slack-queues';
import type { Block } from './blocks';
import { incidentCommanderOf } from './channel-context';
import type { SlackClient } from './slack-api';

/**
 * What the work behind commands and clicks needs, as one object the composition root builds.
 * Listeners use only `config` and the queues; jobs use the rest.
 */
export interface SlackServices {
  config: RewindConfig;
  pool: Pool;
  store: PgRunStore;
  engine: RunEngine;
  providers: ProviderResolver;
  queues: SlackQueues;
  client: SlackClient;
  scrub: Scrubber;
  now(): Date;
  countError(method: string, error: string): void;
  warn(obj: object, msg: string): void;
  /** Origins a response_url may point at besides hooks.slack.com (the fake, the local console). */
  responseOrigins: readonly string[];
}

/** An ephemeral reply to the person who asked (in the channel for all to see when `inChannel`). */
export interface Reply {
  text: string;
  blocks?: Block[];
  inChannel?: boolean;
}

/** Who asked, where, and where to answer. */
export interface Requester {
  user: string;
  channel: string;
  responseUrl?: string;
}

export function incidentCommander(svc: Pick<SlackServices, 'pool' | 'config'>, channel: string | null | undefined): Promise<string | undefined> {
  return incidentCommanderOf(svc.pool, svc.config, channel);
}

/**
 * Records a refused command or click. Refusals are audited like decisions: who tried what on
 * which run, and why it was refused. Never throws (a refusal must still be answered).
 */
export async function auditRefusal(
  svc: Pick<SlackServices, 'pool' | 'scrub' | 'warn'>,
  e: { actor: string; action: string; reason: string; runId?: string | null; stepIdx?: number | null; detail?: Record<string, unknown> },
): Promise<void> {
  try {
    await appendAudit(svc.pool, { actor: e.actor, action: e.action, runId: e.runId ?? null, stepIdx: e.stepIdx ?? null, detail: { reason: e.reason, ...(e.detail ?? {}) } }, svc.scrub);
  } catch (err) {
    svc.warn({ action: e.action, err: (err as Error).message }, 'could not audit a refusal');
  }
}
