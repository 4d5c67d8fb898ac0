import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** One base backup as recorded in `backupDir/catalog.json`. Times are ISO 8601 UTC. */
export interface BackupRecord {
  id: string;
  /** Directory under backupDir holding the plain-format copy and its backup_manifest. */
  dir: string;
  timeline: number;
  startLsn: string;
  /** Where the backup became consistent; recovery must replay at least to here. */
  endLsn: string;
  startedAt: string;
  /** Wall clock taken after pg_basebackup returned, so every commit after it lies past endLsn. */
  finishedAt: string;
  sizeBytes: number;
  manifestSha256: string;
  valid: boolean;
  verifiedAt: string;
  note?: string;
}

interface CatalogFile {
  version: 1;
  backups: BackupRecord[];
}

/**
 * The JSON catalog of base backups. Every write goes to a temporary file that is fsynced and
 * renamed over the old one, so a crash leaves either the old or the new catalog. Writers in one
 * process are serialised; separate processes must not take backups into the same directory.
 */
export class BackupCatalog {
  readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly backupDir: string) {
    this.file = join(backupDir, 'catalog.json');
  }

  /** All backups, oldest first. */
  async list(): Promise<BackupRecord[]> {
    return (await this.read()).backups.slice().sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
  }

  async get(id: string): Promise<BackupRecord | undefined> {
    return (await this.read()).backups.find((b) => b.id === id);
  }

  async add(record: BackupRecord): Promise<void> {
    await this.mutate((cat) => {
      cat.backups = cat.backups.filter((b) => b.id !== record.id).concat(record);
    });
  }

  async update(id: string, patch: Partial<Omit<BackupRecord, 'id'>>): Promise<BackupRecord | undefined> {
    let updated: BackupRecord | undefined;
    await this.mutate((cat) => {
      cat.backups = cat.backups.map((b) => (b.id === id ? (updated = { ...b, ...patch }) : b));
    });
    return updated;
  }

  /** Drops the records of `ids` in one atomic write; returns the records that were there. */
  async remove(ids: readonly string[]): Promise<BackupRecord[]> {
    const gone = new Set(ids);
    let removed: BackupRecord[] = [];
    await this.mutate((cat) => {
      removed = cat.backups.filter((b) => gone.has(b.id));
      cat.backups = cat.backups.filter((b) => !gone.has(b.id));
    });
    return removed;
  }

  private async read(): Promise<CatalogFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, backups: [] };
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<CatalogFile>;
    if (!Array.isArray(parsed.backups)) throw new Error(`${this.file} is not a Rewind backup catalog`);
    return { version: 1, backups: parsed.backups };
  }

  private mutate(change: (cat: CatalogFile) => void): Promise<void> {
    const next = this.chain.then(async () => {
      const cat = await this.read();
      change(cat);
      await writeFileAtomic(this.file, `${JSON.stringify(cat, null, 2)}\n`);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Write-to-temp, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(join(file, '..'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
