import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RewindError } from '../../recovery/errors';
import type { Cutover, CutoverRecord, Endpoint } from '../ports';
import { httpExchange } from '../webhook/http-request';
import { writeFileAtomic } from './backup-catalog';

export const CONNECTION_FILE_CUTOVER = 'connection-file';

export interface ConnectionFileCutoverOptions {
  /** A dotenv-style file the application reads its DATABASE_URL from. */
  path: string;
  /** POSTed after the file changes so the application reloads it. */
  reloadUrl?: string;
  timeoutMs?: number;
}

export interface ConnectionFileRecord extends CutoverRecord {
  kind: typeof CONNECTION_FILE_CUTOVER;
  path: string;
  /**
   * Where the file's content from before this cutover is kept (beside it, written once per
   * idempotency key), or null when there was no file. The content itself stays out of the
   * store: it is a connection string and may hold a password.
   */
  saved: string | null;
}

const URL_LINE = /^DATABASE_URL=.*$/m;
/** Marks "there was no file before the cutover" in the kept copy. */
const NO_FILE = '# rewind: no file existed before the cutover\n';

function urlFor(endpoint: Endpoint): string {
  return endpoint.url ?? `postgres://${endpoint.host}:${endpoint.port}/${endpoint.database ?? 'postgres'}`;
}

/**
 * Cuts over by rewriting DATABASE_URL in a connection file atomically (readers see the old or the
 * new file, never half of one) and asking the application to reload. The previous content is
 * kept beside the file, so rollback writes it back.
 */
export class ConnectionFileCutover implements Cutover {
  constructor(private readonly o: ConnectionFileCutoverOptions) {}

  async plan(endpoint: Endpoint): Promise<string> {
    return `${this.o.path}: DATABASE_URL → ${endpoint.host}:${endpoint.port}/${endpoint.database ?? 'postgres'}${this.o.reloadUrl ? `, then POST ${this.o.reloadUrl}` : ''}`;
  }

  /**
   * Idempotent per key: the first call keeps the original file as `<path>.rewind-<key>` before
   * rewriting it, and a retry (say after a failed reload) reuses that copy instead of mistaking
   * the already-rewritten file for the original.
   */
  async apply(endpoint: Endpoint, idempotencyKey: string): Promise<ConnectionFileRecord> {
    const keep = `${this.o.path}.rewind-${idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    let original = await this.read(keep);
    if (original === null) {
      original = await this.read(this.o.path);
      await mkdir(dirname(this.o.path), { recursive: true });
      await writeFileAtomic(keep, original === null ? NO_FILE : original);
    }
    const previous = original === NO_FILE ? null : original;
    const line = `DATABASE_URL=${urlFor(endpoint)}`;
    const next = previous === null ? `${line}\n` : URL_LINE.test(previous) ? previous.replace(URL_LINE, line) : `${previous.replace(/\n?$/, '\n')}${line}\n`;
    await this.write(next);
    await this.reload();
    return { kind: CONNECTION_FILE_CUTOVER, path: this.o.path, saved: previous === null ? null : keep };
  }

  async rollback(record: CutoverRecord): Promise<void> {
    const r = record as ConnectionFileRecord;
    const previous = r.saved ? await this.read(r.saved) : null;
    if (r.saved && previous === null) {
      throw new RewindError({
        code: 'CONNECTION_FILE_BACKUP_MISSING',
        userMessage: `The copy of ${this.o.path} from before the cutover (${r.saved}) is gone, so Rewind cannot put it back. Restore ${this.o.path} by hand and reload the application.`,
      });
    }
    await this.write(previous ?? '');
    await this.reload();
  }

  private async read(path: string): Promise<string | null> {
    return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new RewindError({ code: 'CONNECTION_FILE_UNREADABLE', userMessage: `Cannot read ${path}: ${err.message}. Check the path in rewind.yml and the file's permissions.` });
    });
  }

  private async write(content: string): Promise<void> {
    await mkdir(dirname(this.o.path), { recursive: true });
    await writeFileAtomic(this.o.path, content);
  }

  private async reload(): Promise<void> {
    if (!this.o.reloadUrl) return;
    const res = await httpExchange(this.o.reloadUrl, { method: 'POST' }, this.o.timeoutMs ?? 5_000, `The application's reload endpoint ${this.o.reloadUrl}`);
    if (res.status < 200 || res.status > 299) {
      throw new RewindError({
        code: 'APP_RELOAD_FAILED',
        userMessage: `${this.o.reloadUrl} answered ${res.status} to the reload request; the connection file was updated but the application may still use the old database.`,
        retryable: true,
      });
    }
  }
}
