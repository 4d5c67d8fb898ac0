import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { DEFAULT_PG_BIN } from '../providers/local/pg-process';
import { RewindError } from '../recovery/errors';

/**
 * What the demo needs from the machine, checked before anything is created. Each failure is a
 * DEMO_PREREQUISITE error whose message says exactly how to fix it on a Debian machine.
 */

function missing(userMessage: string): RewindError {
  return new RewindError({ code: 'DEMO_PREREQUISITE', userMessage });
}

/** Where the URL points, without credentials, for messages. */
export function hostOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}`;
}

function debianClusterVersion(): string {
  try {
    const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v));
    return versions.sort((a, b) => Number(a) - Number(b)).pop() ?? '15';
  } catch {
    return '15';
  }
}

export function assertPgBinaries(pgBin = process.env.PG_BIN ?? DEFAULT_PG_BIN): void {
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'pg_verifybackup', 'pg_waldump']) {
    if (!existsSync(join(pgBin, tool))) {
      throw missing(`The demo runs its own PostgreSQL cluster and needs ${join(pgBin, tool)}. Install PostgreSQL 15 (apt-get install -y postgresql-15) or set PG_BIN to the directory holding initdb, pg_ctl and pg_basebackup.`);
    }
  }
}

/**
 * Rewind's store: the server at DATABASE_URL must answer, and the database in it is created
 * when missing. Returns whether it was created.
 */
export async function ensureStoreDatabase(databaseUrl: string): Promise<{ created: boolean; name: string }> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 3000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const where = hostOf(databaseUrl);
    if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || /timeout/i.test((err as Error).message)) {
      throw missing(
        `Rewind keeps its runs in PostgreSQL, and nothing answered at ${where} (${(err as Error).message}).\n` +
          `Start the machine's PostgreSQL:\n    pg_ctlcluster ${debianClusterVersion()} main start\n` +
          `or point DATABASE_URL at one you have, e.g. DATABASE_URL=postgres://me@db.example:5432/rewind npm run demo`,
      );
    }
    throw missing(`PostgreSQL at ${where} refused the connection for Rewind's store: ${(err as Error).message}. Set DATABASE_URL to a role that can connect (and create the database "${name}" if it is missing).`);
  }
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false, name };
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      if ((err as { code?: string }).code === '42P04') return { created: false, name };
      throw missing(`The database "${name}" for Rewind's store does not exist at ${hostOf(databaseUrl)} and could not be created: ${(err as Error).message}. Create it (createdb ${name}) or use a role that may.`);
    }
    return { created: true, name };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Redis at REDIS_URL must answer PING. */
export async function assertRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw missing(
      `Rewind's step queue needs Redis, and nothing answered at ${hostOf(redisUrl)} (${(err as Error).message}).\n` +
        `Start the machine's Redis:\n    redis-server --daemonize yes\n` +
        `or point REDIS_URL at one you have, e.g. REDIS_URL=redis://redis.example:6379 npm run demo`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Every port the demo listens on must be free on 127.0.0.1 before anything starts. */
export async function assertPortsFree(ports: Array<{ port: number; what: string; variable: string }>): Promise<void> {
  const taken: string[] = [];
  for (const p of ports) {
    if (!(await portFree(p.port))) taken.push(`port ${p.port} (${p.what}) is in use; stop what uses it or set ${p.variable} to a free port`);
  }
  if (taken.length > 0) throw missing(`The demo cannot start:\n  ${taken.join('\n  ')}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
