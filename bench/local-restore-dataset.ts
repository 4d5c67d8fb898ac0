import { join } from 'node:path';
import { Client } from 'pg';
import { archiveCommandFor, SourceCluster } from '../src/providers/local/source-cluster';
import type { PgProcessRunner } from '../src/providers/local/pg-process';
import { parseLsn } from '../src/providers/local/pg-lsn';

/** Generates the benchmark's source: a database of `dataMb`, then `walMb` of WAL after a backup. */

export interface BenchSource {
  cluster: SourceCluster;
  url: string;
}

export const mb = (bytes: number | bigint) => Number(bytes) / (1 << 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A source that archives each segment twice: into Rewind's archive directory (Rewind's own
 * archive_command) and through `pgbackrest archive-push`, so all three restores read the same WAL.
 */
export async function createBenchSource(runner: PgProcessRunner, layout: { dataDir: string; archiveDir: string; socketDir: string; port: number }, pgbackrestPush: string): Promise<BenchSource> {
  const { archiveDir } = layout;
  const cluster = await SourceCluster.create({
    runner,
    dataDir: layout.dataDir,
    archiveDir,
    socketDir: layout.socketDir,
    port: layout.port,
    logFile: join(layout.dataDir, '..', 'server.log'),
    archiveTimeoutSec: 3600,
    // PostgreSQL's defaults for memory and checkpoints, so replay meets what a real server writes.
    extraSettings: { shared_buffers: '128MB', max_connections: 20, archive_command: `${archiveCommandFor(archiveDir)} && ${pgbackrestPush}` },
  });
  await cluster.start();
  return { cluster, url: `postgres://postgres@127.0.0.1:${cluster.port}/postgres` };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Fills table `big` with rows of ~1 KB until the database is about `dataMb`. */
export async function generateData(src: BenchSource, dataMb: number, say: (line: string) => void): Promise<number> {
  return withClient(src.url, async (c) => {
    await c.query('CREATE TABLE IF NOT EXISTS big (id bigint PRIMARY KEY, payload text NOT NULL)');
    await c.query('CREATE TABLE IF NOT EXISTS churn (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    const size = async () => mb(BigInt((await c.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0]?.s ?? 0));
    let next = 1;
    const batch = 100_000;
    for (let current = await size(); current < dataMb; current = await size()) {
      await c.query(`INSERT INTO big SELECT g, repeat(md5(g::text), 30) FROM generate_series($1::bigint, $2::bigint) g`, [next, next + batch - 1]);
      next += batch;
      if ((next / batch) % 3 === 0) say(`  data: ${(await size()).toFixed(0)} MB of ${dataMb} MB`);
    }
    await c.query('VACUUM ANALYZE big');
    return size();
  });
}

export interface GeneratedWal {
  /** WAL written since `fromLsn`, in bytes. */
  bytes: bigint;
  /** The restore target: commits at or before it are kept, about `targetShare` into the WAL. */
  target: Date;
  commitsBeforeTarget: number;
}

/**
 * Writes WAL after the backups: scattered updates of `big` (full-page images after each
 * checkpoint, random pages to replay) and inserts into `churn`, one transaction per batch, until
 * `walMb` have been written since `fromLsn`. The target is taken when `targetShare` is reached.
 */
export async function generateWal(src: BenchSource, fromLsn: string, walMb: number, targetShare: number, say: (line: string) => void): Promise<GeneratedWal> {
  return withClient(src.url, async (c) => {
    const start = parseLsn(fromLsn);
    const rows = Number((await c.query<{ n: string }>('SELECT max(id) AS n FROM big')).rows[0]?.n ?? 1);
    const written = async () => parseLsn((await c.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]?.l ?? '0/0') - start;
    let target: Date | undefined;
    let after = 0;
    let commits = 0;
    let shown = 0;
    // Runs until walMb are written and at least one batch committed after the target.
    for (let bytes = await written(); mb(bytes) < walMb || after === 0; bytes = await written()) {
      if (!target && mb(bytes) >= walMb * targetShare) {
        await sleep(20);
        target = new Date();
        await sleep(20);
      }
      await c.query('UPDATE big SET payload = md5(payload) || substr(payload, 33) WHERE id IN (SELECT 1 + (random() * ($1::bigint - 1))::bigint FROM generate_series(1, 5000))', [rows]);
      await c.query('INSERT INTO churn (payload) SELECT repeat(md5(random()::text), 30) FROM generate_series(1, 20000)');
      if (target) after++;
      else commits += 2;
      if (mb(bytes) - shown >= 256) {
        shown = mb(bytes);
        say(`  wal: ${shown.toFixed(0)} MB of ${walMb} MB`);
      }
    }
    const bytes = await written();
    if (!target) throw new Error('the WAL target share was never reached');
    return { bytes, target, commitsBeforeTarget: commits };
  });
}

/** Row counts at the target, from commit timestamps, to check every restore against. */
export async function expectedCounts(src: BenchSource, target: Date): Promise<{ big: number; churn: number }> {
  return withClient(src.url, async (c) => {
    const res = await c.query<{ churn: string }>('SELECT count(*) AS churn FROM churn WHERE pg_xact_commit_timestamp(xmin) <= $1', [target.toISOString()]);
    const big = await c.query<{ n: string }>('SELECT count(*) AS n FROM big');
    return { big: Number(big.rows[0]?.n ?? 0), churn: Number(res.rows[0]?.churn ?? 0) };
  });
}

export async function countsAt(url: string): Promise<{ big: number; churn: number }> {
  return withClient(url, async (c) => {
    const r = await c.query<{ big: string; churn: string }>('SELECT (SELECT count(*) FROM big) AS big, (SELECT count(*) FROM churn) AS churn');
    return { big: Number(r.rows[0]?.big ?? 0), churn: Number(r.rows[0]?.churn ?? 0) };
  });
}

/** Closes the current segment and waits until pg_stat_archiver reports it archived (both archives). */
export async function switchAndWaitArchived(src: BenchSource, timeoutMs = 120_000): Promise<void> {
  await withClient(src.url, async (c) => {
    const name = (await c.query<{ n: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS n')).rows[0]?.n ?? '';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await c.query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver');
      if ((r.rows[0]?.last ?? '') >= name) return;
      if (Date.now() > deadline) throw new Error(`segment ${name} not archived within ${timeoutMs} ms`);
      await sleep(100);
    }
  });
}
