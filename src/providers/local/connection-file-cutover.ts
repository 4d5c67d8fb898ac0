import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
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
  /** The file's whole previous content (null when there was none), restored by rollback. */
  previous: string | null;
}

const URL_LINE = /^DATABASE_URL=.*$/m;

function urlFor(endpoint: Endpoint): string {
  return endpoint.url ?? `postgres://${endpoint.host}:${endpoint.port}/${endpoint.database ?? 'postgres'}`;
}

/**
 * Cuts over by rewriting DATABASE_URL in a connection file atomically (readers see the old or the
 * new file, never half of one) and asking the application to reload. The record keeps the
 * previous content so rollback writes it back.
 */
export class ConnectionFileCutover implements Cutover {
  constructor(private readonly o: ConnectionFileCutoverOptions) {}

  async plan(endpoint: Endpoint): Promise<string> {
    return `${this.o.path}: DATABASE_URL → ${endpoint.host}:${endpoint.port}/${endpoint.database ?? 'postgres'}${this.o.reloadUrl ? `, then POST ${this.o.reloadUrl}` : ''}`;
  }

  async apply(endpoint: Endpoint): Promise<ConnectionFileRecord> {
    const previous = await readFile(this.o.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new RewindError({ code: 'CONNECTION_FILE_UNREADABLE', userMessage: `Cannot read ${this.o.path}: ${err.message}. Check the path in rewind.yml and the file's permissions.` });
    });
    const line = `DATABASE_URL=${urlFor(endpoint)}`;
    const next = previous === null ? `${line}\n` : URL_LINE.test(previous) ? previous.replace(URL_LINE, line) : `${previous.replace(/\n?$/, '\n')}${line}\n`;
    await this.write(next);
    await this.reload();
    return { kind: CONNECTION_FILE_CUTOVER, path: this.o.path, previous };
  }

  async rollback(record: CutoverRecord): Promise<void> {
    const r = record as ConnectionFileRecord;
    await this.write(r.previous ?? '');
    await this.reload();
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
