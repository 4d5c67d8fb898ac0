import { join } from 'node:path';
import type { RestoreTarget } from '../ports';
import type { BackupRecord } from './backup-catalog';
import type { PgProcessRunner } from './pg-process';
import type { SettingValue } from './pg-settings';
import { recoveryTargetSettings } from './replay-log';
import type { RestoreInstance, RestoreMarker } from './restore-instance';
import type { LikelyPlan, RestorePlan, RestorePlanner } from './restore-planner';
import type { WalArchive } from './wal-archive';
import { segmentsFrom, startWalPrefetch } from './wal-prefetch';

export interface RestoreStartDeps {
  runner: PgProcessRunner;
  planner: RestorePlanner;
  archive: WalArchive;
  archiveDir: string;
  backupDir: string;
  startTimeoutSec: number;
}

/** How far the speculative start got before the plan was known. */
type Early = { backupId: string; spoolDir: string; started: false } | { backupId: string; spoolDir: string; started: true; settings: Record<string, SettingValue>; port: number };

/**
 * Builds a new restored cluster in `inst` (whose marker says "copying"). The plan's checks —
 * verifying the backup, reading the WAL from it to the target — take seconds on a large archive,
 * so they run beside the critical path instead of before it: the likely backup is copied, and
 * for a time inside the window (where the settings depend on the target alone) the server is
 * started and replays. Nothing is reported until the plan is known: a refusal stops and removes
 * everything, and a plan that differs (another backup, other settings) starts over from a fresh
 * copy. Returns the marker to record, with the plan's backup, expectation and warnings.
 */
export async function createRestore(d: RestoreStartDeps, inst: RestoreInstance, target: RestoreTarget, likely: LikelyPlan | undefined, marker: RestoreMarker): Promise<RestoreMarker> {
  const early: Promise<Early | undefined> = likely ? startEarly(d, inst, likely, marker.port).catch(() => undefined) : Promise.resolve(undefined);
  let plan: RestorePlan;
  try {
    plan = await d.planner.plan(target);
  } catch (err) {
    await early;
    await inst.remove(d.runner);
    throw err;
  }
  const got = await early;
  const wanted = recoveryTargetSettings(plan.expectation);
  const sameBackup = got?.backupId === plan.backup.id;
  let port = marker.port;
  if (got?.started && sameBackup && sameSettings(got.settings, wanted)) {
    port = got.port;
  } else {
    // A server that replayed with other settings changed its data directory: copy again.
    const spoolDir = got && sameBackup && !got.started ? got.spoolDir : await copyWithPrefetch(d, inst, plan.backup);
    await inst.configure(d.runner, { archiveDir: d.archiveDir, spoolDir, port, targetSettings: wanted });
  }
  return { ...marker, port, backupId: plan.backup.id, expectation: plan.expectation, warnings: plan.warnings, phase: 'started' };
}

async function startEarly(d: RestoreStartDeps, inst: RestoreInstance, likely: LikelyPlan, port: number): Promise<Early> {
  const spoolDir = await copyWithPrefetch(d, inst, likely.backup);
  if (!likely.targetSettings) return { backupId: likely.backup.id, spoolDir, started: false };
  await inst.configure(d.runner, { archiveDir: d.archiveDir, spoolDir, port, targetSettings: likely.targetSettings });
  const used = await inst.start(d.runner, port, d.startTimeoutSec);
  return { backupId: likely.backup.id, spoolDir, started: true, settings: likely.targetSettings, port: used };
}

/** A fresh copy of `backup`, with the WAL prefetcher started as soon as the copy is in place; returns its spool. */
async function copyWithPrefetch(d: RestoreStartDeps, inst: RestoreInstance, backup: BackupRecord): Promise<string> {
  await inst.clear(d.runner);
  await inst.copyBackup(d.runner, join(d.backupDir, backup.dir));
  const spoolDir = await inst.newSpool(d.runner);
  await startWalPrefetch(d.runner, { archiveDir: d.archiveDir, spoolDir, segments: await segmentsFrom(d.archive, backup) });
  return spoolDir;
}

function sameSettings(a: Record<string, SettingValue>, b: Record<string, SettingValue>): boolean {
  const keys = Object.keys(a).sort();
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
