import { Client } from 'pg';
import type { Endpoint } from '../ports';
import { parseLsn } from './pg-lsn';
import type { ReplayExpectation } from './replay-log';

export interface RecoveryState {
  inRecovery: boolean;
  lsn: string | null;
  at: Date | null;
  /** When the server (and so replay) started. */
  startedAt: Date | null;
}

export async function queryRecoveryState(endpoint: Endpoint): Promise<RecoveryState> {
  const client = new Client({ connectionString: endpoint.url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const res = await client.query<{ r: boolean; lsn: string | null; at: Date | null; started: Date | null }>(
      'SELECT pg_is_in_recovery() AS r, pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS at, pg_postmaster_start_time() AS started',
    );
    const row = res.rows[0];
    return { inRecovery: row?.r ?? true, lsn: row?.lsn ?? null, at: row?.at ?? null, startedAt: row?.started ?? null };
  } finally {
    await client.end();
  }
}

/** Where replay will stop, when the expectation names a position. */
export function stopLsn(exp: ReplayExpectation): string | undefined {
  switch (exp.kind) {
    case 'time':
      return exp.stopBefore.lsn;
    case 'after-lsn':
    case 'before-lsn':
      return exp.lsn;
    case 'consistency':
      return undefined;
  }
}

/**
 * How long to wait before the next poll: about the replay time still needed at the rate seen
 * since the server started, within [minMs, maxMs], so the end of a long replay is noticed
 * within `minMs` instead of up to a whole poll interval late.
 */
export function nextPollMs(o: { state: RecoveryState; fromLsn?: string; toLsn?: string; now: Date; minMs: number; maxMs: number }): number {
  const { state } = o;
  if (!state.lsn || !o.fromLsn || !o.toLsn || !state.startedAt) return o.maxMs;
  const done = Number(parseLsn(state.lsn) - parseLsn(o.fromLsn));
  const left = Number(parseLsn(o.toLsn) - parseLsn(state.lsn));
  const elapsed = o.now.getTime() - state.startedAt.getTime();
  if (done <= 0 || elapsed <= 0) return o.maxMs;
  const eta = left <= 0 ? 0 : (left / done) * elapsed;
  return Math.round(Math.min(o.maxMs, Math.max(o.minMs, eta)));
}
