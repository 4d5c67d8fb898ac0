import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RewindError } from '../../recovery/errors';
import type { BackupCatalog, BackupRecord } from './backup-catalog';
import { CHECK_NICE, type PgProcessRunner } from './pg-process';
import { resolveConnection, type SourceConnection } from './source-cluster';

export interface BaseBackupOptions {
  runner: PgProcessRunner;
  catalog: BackupCatalog;
  archiveDir: string;
  source: SourceConnection;
}

interface ManifestFacts {
  timeline: number;
  startLsn: string;
  endLsn: string;
}

/**
 * Takes a plain-format base backup with `pg_basebackup -Fp -X none -c fast`, verifies it and
 * records it in the catalog (also when verification fails, marked invalid).
 *
 * `-X none` rather than `-X stream`: point-in-time restore needs the WAL archive anyway, the
 * server's pg_backup_stop waits until the backup's last segment is archived (so the backup is
 * restorable from the archive the moment this returns), the copy stays smaller, and
 * `pg_verifybackup -w ARCHIVE` then proves that the archive really holds the WAL it needs.
 */
export async function takeBaseBackup(opts: BaseBackupOptions): Promise<BackupRecord> {
  const { runner, catalog } = opts;
  await runner.ensureOwnedDir(catalog.backupDir, 0o750);
  await runner.assertOwnerCanWrite(catalog.backupDir);
  const startedAt = new Date();
  const id = `base-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
  const partial = join(catalog.backupDir, `${id}.partial`);
  const conn = await resolveConnection(opts.source);
  const res = await runner.tool(
    'pg_basebackup',
    ['-D', partial, '-Fp', '-X', 'none', '-c', 'fast', '-h', conn.host, '-p', String(conn.port), '-U', conn.user, '--no-password', '-l', `rewind ${id}`],
    { env: conn.password ? { PGPASSWORD: conn.password } : {} },
  );
  if (res.code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new RewindError({
      code: 'BACKUP_FAILED',
      userMessage: `pg_basebackup failed: ${res.stderr.trim().split('\n').slice(-3).join(' ')}. Check that the source is running, accepts replication connections for user "${conn.user}", and that WAL archiving works (pg_stat_archiver).`,
      retryable: true,
    });
  }
  const finishedAt = new Date();
  const manifest = await readFile(join(partial, 'backup_manifest'));
  const facts = manifestFacts(manifest.toString('utf8'));
  await rename(partial, join(catalog.backupDir, id));
  const draft: BackupRecord = {
    id,
    dir: id,
    ...facts,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    sizeBytes: await directorySize(join(catalog.backupDir, id)),
    manifestSha256: sha256(manifest),
    valid: false,
    verifiedAt: '',
  };
  const check = await verifyBaseBackup(runner, catalog.backupDir, draft, opts.archiveDir);
  const record: BackupRecord = { ...draft, valid: check.ok, verifiedAt: new Date().toISOString(), ...(check.ok ? {} : { note: check.problem }) };
  await catalog.add(record);
  return record;
}

/**
 * Re-checks a backup: the manifest must be the one recorded at backup time (SHA-256), and
 * `pg_verifybackup -w ARCHIVE` must find every file's checksum and the backup's WAL intact.
 */
export async function verifyBaseBackup(
  runner: PgProcessRunner,
  backupDir: string,
  record: BackupRecord,
  archiveDir: string,
): Promise<{ ok: true } | { ok: false; problem: string }> {
  const dir = join(backupDir, record.dir);
  let manifest: Buffer;
  try {
    manifest = await readFile(join(dir, 'backup_manifest'));
  } catch {
    return { ok: false, problem: `backup_manifest is missing from ${dir}` };
  }
  if (sha256(manifest) !== record.manifestSha256) return { ok: false, problem: 'backup_manifest differs from the one recorded when the backup was taken' };
  const res = await runner.tool('pg_verifybackup', ['-q', '-w', archiveDir, dir], { nice: CHECK_NICE });
  if (res.code === 0) return { ok: true };
  const lines = res.stderr.trim().split('\n').filter(Boolean);
  const shown = lines.slice(0, 3).join('; ') + (lines.length > 3 ? ` (and ${lines.length - 3} more)` : '');
  return { ok: false, problem: `pg_verifybackup: ${shown || `exit ${res.code}`}` };
}

function manifestFacts(text: string): ManifestFacts {
  const parsed = JSON.parse(text) as { 'WAL-Ranges'?: { Timeline: number; 'Start-LSN': string; 'End-LSN': string }[] };
  const ranges = parsed['WAL-Ranges'] ?? [];
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) throw new Error('backup_manifest has no WAL-Ranges');
  return { timeline: first.Timeline, startLsn: first['Start-LSN'], endLsn: last['End-LSN'] };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Bytes of the regular files under `dir`, recursively. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
