import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Endpoint, PollResult, RecoverySource, ResourceRef } from '../../../../src/providers/ports';
import { LocalPostgresRecoverySource } from '../../../../src/providers/local/local-recovery-source';
import { PgProcessRunner, pgCtlStop } from '../../../../src/providers/local/pg-process';
import { parsePgTimestamp, type Micros } from '../../../../src/providers/local/pg-time';
import { SourceCluster } from '../../../../src/providers/local/source-cluster';

export interface LocalFixture {
  root: string;
  runner: PgProcessRunner;
  source: SourceCluster;
  provider: LocalPostgresRecoverySource;
  archiveDir: string;
  backupDir: string;
  restoreRoot: string;
  cleanup(): Promise<void>;
}

/**
 * One archiving source cluster under a fresh temp dir, and a provider pointed at it.
 * `initdbArgs` e.g. `['--wal-segsize=1']` for the demo's 1 MB segments.
 */
export async function createFixture(label: string, opts: { initdbArgs?: string[] } = {}): Promise<LocalFixture> {
  const runner = new PgProcessRunner();
  const root = await mkdtemp(join(tmpdir(), `rw-${label}-`));
  await runner.ensureOwnedDir(root, 0o755);
  const archiveDir = join(root, 'archive');
  const backupDir = join(root, 'backups');
  const restoreRoot = join(root, 'restores');
  const source = await SourceCluster.create({ runner, dataDir: join(root, 'source', 'data'), archiveDir, archiveTimeoutSec: 300, ...(opts.initdbArgs ? { initdbArgs: opts.initdbArgs } : {}) });
  try {
    await source.start();
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const provider = new LocalPostgresRecoverySource({ archiveDir, backupDir, restoreRoot, source: { dataDir: source.dataDir }, pollIntervalMs: 200 });
  await source.query('CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())');
  return {
    root,
    runner,
    source,
    provider,
    archiveDir,
    backupDir,
    restoreRoot,
    async cleanup() {
      const restores = await readdir(restoreRoot).catch(() => [] as string[]);
      for (const name of restores) await pgCtlStop(runner, join(restoreRoot, name, 'data')).catch(() => undefined);
      await source.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface CommittedRow {
  id: number;
  label: string;
  committedAt: Micros;
}

/** Inserts one row in its own transaction and returns its exact commit timestamp. */
export async function commitRow(source: SourceCluster, label: string): Promise<CommittedRow> {
  const rows = await source.query<{ id: number }>('INSERT INTO items (label) VALUES ($1) RETURNING id', [label]);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  const ts = await source.query<{ ts: string }>('SELECT pg_xact_commit_timestamp(xmin)::text AS ts FROM items WHERE id = $1', [id]);
  const text = ts[0]?.ts;
  if (!text) throw new Error('no commit timestamp (track_commit_timestamp off?)');
  return { id, label, committedAt: parsePgTimestamp(text) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function pollUntilSettled(provider: RecoverySource, ref: ResourceRef, timeoutMs = 40_000): Promise<PollResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await provider.poll(ref);
    if (res.state !== 'pending') return res;
    if (Date.now() > deadline) throw new Error(`restore still pending after ${timeoutMs} ms: ${res.detail ?? ''}`);
    await sleep(Math.min(res.retryAfterMs ?? 200, 500));
  }
}

export async function queryEndpoint<T extends Record<string, unknown>>(endpoint: Endpoint, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: endpoint.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export async function expectRewindError(promise: Promise<unknown>, code: string): Promise<{ code: string; userMessage: string; detail?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: string; userMessage?: string; detail?: Record<string, unknown> };
    if (e.code !== code) throw new Error(`expected RewindError ${code}, got ${e.code ?? 'no code'}: ${(err as Error).message}`);
    return e as { code: string; userMessage: string; detail?: Record<string, unknown> };
  }
  throw new Error(`expected RewindError ${code}, but it succeeded`);
}
