import { RewindError } from '../../recovery/errors';
import type { BackupInfo, Endpoint, PollResult, RecoverySource, ResourceRef, RestoreRequest, RestoreTarget, SourceDescription } from '../ports';
import { BackupCatalog, type BackupRecord } from './backup-catalog';
import { takeBaseBackup } from './base-backup';
import { noValidBackup, notCreatedByRewind, recoveryStoppedShort, restoreNameTaken, restoreStartFailed } from './local-errors';
import { findFreePort, PgProcessRunner, readTail } from './pg-process';
import { checkReplayLog, type ReplayExpectation } from './replay-log';
import { RestoreInstance, errorLines, MARKER_CREATOR, type RestoreMarker } from './restore-instance';
import { nextPollMs, queryRecoveryState, stopLsn } from './recovery-progress';
import { RestorePlanner } from './restore-planner';
import { createRestore } from './restore-start';
import type { SourceConnection } from './source-cluster';
import { WalArchive } from './wal-archive';

export const LOCAL_PROVIDER = 'local-postgres';

export interface LocalPostgresOptions {
  /** Directory of the PostgreSQL binaries (default $PG_BIN or /usr/lib/postgresql/15/bin). */
  pgBin?: string;
  /** OS user that runs PostgreSQL when Rewind runs as root (default "postgres"). */
  osUser?: string;
  /** The source's WAL archive (what its archive_command writes). */
  archiveDir: string;
  /** Base backups and catalog.json. */
  backupDir: string;
  /** Restored clusters go to `<restoreRoot>/<name>/`. */
  restoreRoot: string;
  /** Where base backups are taken from; describe and restore work from the archive without it. */
  source?: SourceConnection;
  /** Database that endpoints and validators connect to (default "postgres"). */
  database?: string;
  /** Role for the endpoint URL and the recovery probe; it comes with the source's data (default "postgres"). */
  user?: string;
  /** How long startRestore lets pg_ctl wait for consistency before poll takes over (default 30 s). */
  startTimeoutSec?: number;
  /** Suggested delay between polls while WAL is replayed (default 2000 ms). */
  pollIntervalMs?: number;
}

/** What startRestore returns: the ResourceRef plus what this provider needs to find it again. */
export interface LocalRestoreRef extends ResourceRef {
  provider: typeof LOCAL_PROVIDER;
  /** The restore name, which is also the directory name under restoreRoot. */
  id: string;
  tags: Record<string, string>;
  backupId: string;
  port: number;
  dataDir: string;
  /** Loud notes for the user, e.g. "newest backup failed verification, used the previous one". */
  warnings: string[];
  detail: string;
}

/**
 * Point-in-time restore of a local PostgreSQL source from its base backups and WAL archive
 * into a new cluster next to it. Never touches the source or writes to its archive.
 */
export class LocalPostgresRecoverySource implements RecoverySource {
  readonly runner: PgProcessRunner;
  readonly catalog: BackupCatalog;
  readonly archive: WalArchive;
  private readonly planner: RestorePlanner;
  private readonly database: string;

  constructor(private readonly opts: LocalPostgresOptions) {
    this.runner = new PgProcessRunner({ ...(opts.pgBin ? { pgBin: opts.pgBin } : {}), ...(opts.osUser ? { osUser: opts.osUser } : {}) });
    this.catalog = new BackupCatalog(opts.backupDir);
    this.archive = new WalArchive(this.runner, opts.archiveDir);
    this.planner = new RestorePlanner(this.runner, this.catalog, this.archive);
    this.database = opts.database ?? 'postgres';
  }

  async describe(): Promise<SourceDescription> {
    const { backups, window } = await this.planner.window();
    if (!window) throw noValidBackup();
    return { engine: 'postgresql', window: { earliest: window.earliest, latest: window.latest }, backups: backups.reverse().map(toBackupInfo) };
  }

  /** Takes, verifies and catalogs a base backup of the source now. */
  async takeBackup(): Promise<BackupInfo> {
    const source = this.opts.source;
    if (!source) throw new RewindError({ code: 'NO_SOURCE', userMessage: 'Cannot take a base backup: no source connection is configured for this database.' });
    return toBackupInfo(await takeBaseBackup({ runner: this.runner, catalog: this.catalog, archiveDir: this.opts.archiveDir, source }));
  }

  async startRestore(req: RestoreRequest): Promise<LocalRestoreRef> {
    const inst = new RestoreInstance(this.opts.restoreRoot, req.name);
    const target = serializeTarget(req.target);
    const existing = await inst.readMarker();
    if (existing === 'foreign') throw restoreNameTaken(req.name, `${inst.dir} exists and was not created by Rewind`);
    if (existing) {
      if (!sameTags(existing.tags, req.tags) || existing.target !== target) {
        throw restoreNameTaken(req.name, `it was created by Rewind for another request (target ${existing.target}, tags ${JSON.stringify(existing.tags)})`);
      }
      if (existing.phase !== 'copying') return this.adopt(inst, existing);
    }
    await this.runner.ensureOwnedDir(this.opts.restoreRoot, 0o755);
    await this.runner.assertOwnerCanWrite(this.opts.restoreRoot);
    // The cheap refusals (outside the window, across a gap) come before anything is created.
    const likely = await this.planner.likely(req.target);
    const draft: RestoreMarker = {
      createdBy: MARKER_CREATOR,
      version: 1,
      name: req.name,
      tags: req.tags,
      target,
      backupId: likely?.backup.id ?? '',
      port: await findFreePort(),
      database: this.database,
      expectation: { kind: 'consistency' },
      warnings: [],
      phase: 'copying',
      createdAt: new Date().toISOString(),
    };
    await this.runner.ensureOwnedDir(inst.dir, 0o750);
    await inst.writeMarker(draft);
    const deps = { runner: this.runner, planner: this.planner, archive: this.archive, archiveDir: this.opts.archiveDir, backupDir: this.opts.backupDir, startTimeoutSec: this.opts.startTimeoutSec ?? 30 };
    const marker = await createRestore(deps, inst, req.target, likely, draft);
    await inst.writeMarker(marker);
    return this.adopt(inst, marker);
  }

  async poll(ref: ResourceRef): Promise<PollResult> {
    const inst = new RestoreInstance(this.opts.restoreRoot, ref.id);
    const marker = await inst.readMarker();
    if (!marker || marker === 'foreign') return { state: 'failed', reason: `The restored cluster "${ref.id}" no longer exists in ${this.opts.restoreRoot}.` };
    // No action named here: the caller (wait-available's RESTORE_FAILED) says what to do with the run.
    if (marker.phase === 'copying') return { state: 'failed', reason: `The restore "${ref.id}" was interrupted while copying the backup, so its data directory is incomplete and cannot be used.` };
    // Asking the server is cheaper than pg_ctl status, so the status is checked only when it does not answer.
    let state = await queryRecoveryState(this.endpoint(marker.port)).catch(() => undefined);
    if (!state) {
      if ((await inst.status(this.runner)) !== 'running') {
        const log = await readTail(inst.logFile, 1 << 20);
        const verdict = checkReplayLog(log, marker.expectation);
        if (marker.phase !== 'available' && !verdict.ok && STOPPED_BY_SERVER.test(verdict.problem)) {
          return { state: 'failed', reason: recoveryStoppedShort(ref.id, verdict.problem).userMessage };
        }
        try {
          marker.port = await inst.start(this.runner, marker.port, this.opts.startTimeoutSec ?? 30);
          await inst.writeMarker(marker);
        } catch (err) {
          return { state: 'failed', reason: startFailure(ref.id, err, marker.expectation).userMessage };
        }
      }
      try {
        state = await queryRecoveryState(this.endpoint(marker.port));
      } catch (err) {
        return { state: 'pending', detail: `starting up: ${(err as Error).message}`, retryAfterMs: this.opts.pollIntervalMs ?? 2000 };
      }
    }
    const endpoint = this.endpoint(marker.port);
    if (state.inRecovery) {
      const at = state.at ? `, last transaction replayed ${state.at.toISOString()}` : '';
      const backup = await this.catalog.get(marker.backupId);
      const retryAfterMs = nextPollMs({ state, fromLsn: backup?.startLsn, toLsn: stopLsn(marker.expectation), now: new Date(), minMs: 200, maxMs: this.opts.pollIntervalMs ?? 2000 });
      return { state: 'pending', detail: `replaying WAL from backup ${marker.backupId}: at ${state.lsn ?? '?'}${at}`, retryAfterMs };
    }
    const verdict = checkReplayLog(await readTail(inst.logFile, 8 << 20), marker.expectation);
    if (!verdict.ok) return { state: 'failed', reason: recoveryStoppedShort(ref.id, verdict.problem).userMessage };
    if (marker.phase !== 'available') {
      await inst.removeSpool();
      marker.phase = 'available';
      marker.summary = verdict.summary;
      await inst.writeMarker(marker);
    }
    const detail = [`Restored from backup ${marker.backupId}: ${verdict.summary}.`, ...marker.warnings].join(' ');
    return { state: 'available', endpoint, detail };
  }

  /** Stops and deletes a cluster this provider created with the same tags; a missing one is success. */
  async discard(ref: ResourceRef): Promise<void> {
    const inst = new RestoreInstance(this.opts.restoreRoot, ref.id);
    const marker = await inst.readMarker();
    if (marker === undefined) return;
    if (marker === 'foreign') throw notCreatedByRewind(ref.id, `${inst.dir} has no Rewind marker file`);
    const tags = ref.tags as Record<string, string> | undefined;
    if (tags && !sameTags(marker.tags, tags)) throw notCreatedByRewind(ref.id, `it was created for other tags (${JSON.stringify(marker.tags)})`);
    await inst.remove(this.runner);
  }

  endpoint(port: number): Endpoint {
    const user = encodeURIComponent(this.opts.user ?? 'postgres');
    return { host: '127.0.0.1', port, database: this.database, url: `postgres://${user}@127.0.0.1:${port}/${encodeURIComponent(this.database)}` };
  }

  private async adopt(inst: RestoreInstance, marker: RestoreMarker): Promise<LocalRestoreRef> {
    if ((await inst.status(this.runner)) !== 'running') {
      try {
        const port = await inst.start(this.runner, marker.port, this.opts.startTimeoutSec ?? 30);
        if (port !== marker.port) await inst.writeMarker({ ...marker, port });
        marker.port = port;
      } catch (err) {
        throw startFailure(inst.name, err, marker.expectation);
      }
    }
    const detail = [`Restoring from backup ${marker.backupId} into ${inst.dataDir} on port ${marker.port}.`, ...marker.warnings].join(' ');
    return {
      provider: LOCAL_PROVIDER,
      id: inst.name,
      tags: marker.tags,
      backupId: marker.backupId,
      port: marker.port,
      dataDir: inst.dataDir,
      warnings: marker.warnings,
      detail,
    };
  }
}

/** Problems checkReplayLog reports when the server itself gave up on reaching the target. */
const STOPPED_BY_SERVER = /ran out of WAL|before the backup became consistent/;

/** A failed start is the short-recovery trap when the log says so, otherwise a start failure. */
function startFailure(name: string, err: unknown, expectation: ReplayExpectation): RewindError {
  const log = (err as { log?: string }).log ?? '';
  const verdict = checkReplayLog(log, expectation);
  if (!verdict.ok && STOPPED_BY_SERVER.test(verdict.problem)) return recoveryStoppedShort(name, verdict.problem);
  return restoreStartFailed(name, errorLines(log) || (err as Error).message);
}

function toBackupInfo(b: BackupRecord): BackupInfo {
  return { id: b.id, finishedAt: new Date(b.finishedAt), sizeBytes: b.sizeBytes, valid: b.valid, ...(b.note ? { note: b.note } : {}) };
}

function serializeTarget(t: RestoreTarget): string {
  switch (t.kind) {
    case 'time':
      return `time:${t.at.toISOString()}`;
    case 'latest':
      return 'latest';
    case 'backup':
      return `backup:${t.backupId}`;
  }
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
