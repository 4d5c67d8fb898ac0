import type { DatabaseConfig } from '../config/schema';
import type { BackupInfo } from '../providers/ports';
import { RewindError } from '../recovery/errors';
import type { Drill } from './drill';
import type { DrillDeps } from './drill-ports';
import { drillPlan } from './drill-plan';
import { unstartedReport } from './drill-report';
import { begin, cancelDrill, refuseBusy } from './start-drill';

/** Checks a backup's files without restoring it (local: manifest + pg_verifybackup); undefined where the provider has no such check. */
export type ManifestCheck = (database: string, backupId: string) => Promise<{ ok: true } | { ok: false; problem: string } | undefined>;

export type VerifyOutcome =
  | { database: string; type: 'started'; drillId: string; runId: string; backupId: string }
  | { database: string; type: 'failed'; drillId: string; problem: string }
  | { database: string; type: 'skipped'; reason: string }
  | { database: string; type: 'duplicate' };

/**
 * Nightly: proves the newest backup of every database with drills is restorable. Its files are
 * checked first where the provider can (local: pg_verifybackup), then it is restored into a
 * sandbox, validated, smoke-tested and torn down like a drill (kind "verification"), and the result
 * is reported in the drill channel. A database busy with another run is skipped for the night, saying so.
 */
export async function verifyNewestBackups(deps: DrillDeps & { verifyManifest?: ManifestCheck }, plannedAt: Date): Promise<VerifyOutcome[]> {
  const out: VerifyOutcome[] = [];
  for (const db of Object.values(deps.config.databases)) {
    const drills = db.drills;
    if (!drills) continue;
    try {
      out.push(await verifyOne(deps, db, drills.channel, plannedAt));
    } catch (err) {
      deps.logger.warn({ database: db.name, err: (err as Error).message }, 'backup verification could not run');
      out.push({ database: db.name, type: 'skipped', reason: (err as Error).message });
    }
  }
  return out;
}

async function verifyOne(deps: DrillDeps & { verifyManifest?: ManifestCheck }, db: DatabaseConfig, channel: string, plannedAt: Date): Promise<VerifyOutcome> {
  const { drill, created } = await deps.store.insert({
    database: db.name,
    kind: 'verification',
    trigger: 'nightly',
    status: 'announced',
    channel,
    scheduledFor: plannedAt,
    startsAt: deps.now(),
    requestedBy: 'scheduler',
  });
  if (!created) return { database: db.name, type: 'duplicate' };
  const holder = await deps.runs.activeRunFor(db.name);
  if (holder) {
    const reason = `run ${holder.id} is active on ${db.name}; tonight's backup verification is skipped so it cannot compete with it`;
    await cancelDrill(deps, drill, reason, { kind: 'verification-skipped', reason });
    return { database: db.name, type: 'skipped', reason };
  }
  let newest: BackupInfo | undefined;
  try {
    newest = [...(await deps.providers(db.name).source.describe()).backups].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime())[0];
  } catch (err) {
    return fail(deps, drill, db, 'the newest backup', `Could not list the backups of ${db.name}: ${err instanceof RewindError ? err.userMessage : (err as Error).message}`);
  }
  if (!newest) return fail(deps, drill, db, 'the newest backup', `${db.name} has no backups at all. Check that backups are being taken.`);
  const target = `backup ${newest.id}`;
  if (!newest.valid) return fail(deps, drill, db, target, `The newest backup ${newest.id} of ${db.name} is marked invalid${newest.note ? `: ${newest.note}` : ''}. Take a new backup and find out why this one is bad.`);
  const files = await deps.verifyManifest?.(db.name, newest.id);
  if (files && !files.ok) return fail(deps, drill, db, target, `The newest backup ${newest.id} of ${db.name} failed verification: ${files.problem}. Take a new backup; restores fall back to the previous one meanwhile.`);
  const started = await begin(deps, drill, db, drillPlan(db, { kind: 'backup', backupId: newest.id }, 'verification'), (holderId) => refuseBusy(deps, drill, holderId));
  if (started.type === 'started') return { database: db.name, type: 'started', drillId: drill.id, runId: started.run.id, backupId: newest.id };
  return { database: db.name, type: 'skipped', reason: started.type === 'postponed' ? `run ${started.runId} is active` : started.reason };
}

async function fail(deps: DrillDeps, drill: Drill, db: DatabaseConfig, target: string, problem: string): Promise<VerifyOutcome> {
  const report = unstartedReport(drill, target, problem, deps.now(), { rtoMs: db.rto, rpoMs: db.rpo });
  if (await deps.store.finish(drill.id, report, deps.now())) {
    await deps.announcer.scorecard({ ...drill, status: 'failed', report }, report).catch((err) => deps.logger.warn({ drillId: drill.id, err: (err as Error).message }, 'could not post the verification report'));
  }
  return { database: db.name, type: 'failed', drillId: drill.id, problem };
}
