import type { ProviderResolver } from '../providers/ports';
import { verifyBaseBackup } from '../providers/local/base-backup';
import { LocalPostgresRecoverySource } from '../providers/local/local-recovery-source';
import type { ManifestCheck } from './backup-verification';

/**
 * The local provider's file-level check of a backup: its backup_manifest must be the one
 * recorded when it was taken, and `pg_verifybackup -w <archive>` must pass. Other providers have
 * no such check (undefined); their verification is the sandbox restore alone.
 */
export function localManifestCheck(providers: ProviderResolver): ManifestCheck {
  return async (database, backupId) => {
    const source = providers(database).source;
    if (!(source instanceof LocalPostgresRecoverySource)) return undefined;
    const record = await source.catalog.get(backupId);
    if (!record) return { ok: false, problem: `backup ${backupId} is not in ${source.catalog.file}` };
    return verifyBaseBackup(source.runner, source.catalog.backupDir, record, source.archive.dir);
  };
}
