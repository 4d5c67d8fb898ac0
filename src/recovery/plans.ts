import type { DatabaseProviders, RestoreTarget } from '../providers/ports';
import type { Plan, RunPath, StepSpec } from './run';

/** What a plan needs to know about a database; the composition root fills it from rewind.yml. */
export interface PlanSubject {
  database: string;
  cutovers: string[];
  healthChecks: number;
  validationChecks: number;
  /** Keep the replaced database for the retention period after a cutover (RDS, Aurora); default false. */
  retainReplaced?: boolean;
}

/**
 * The subject of a database's plans, from the adapters that will carry it out (so a plan never
 * names a cutover or health check the worker cannot run).
 */
export function planSubject(database: string, providers: DatabaseProviders, validationChecks: number): PlanSubject {
  return {
    database,
    cutovers: providers.cutovers.map((c) => c.name),
    healthChecks: providers.healthChecks.length,
    validationChecks,
    retainReplaced: providers.retention !== undefined,
  };
}

function restoreSteps(target: RestoreTarget): StepSpec[] {
  const what = target.kind === 'time' ? target.at.toISOString() : target.kind === 'latest' ? 'the latest restorable time' : `backup ${target.backupId}`;
  return [
    { kind: 'check-window', name: 'Check restore window' },
    { kind: 'gate', name: 'Approve restore', gate: 'restore' },
    { kind: 'restore', name: `Restore to ${what} into a new instance` },
    { kind: 'wait-available', name: 'Wait until the new instance is available' },
    { kind: 'validate', name: 'Validate the restored copy' },
  ];
}

/**
 * PITR and restore (latest or a named backup) share one shape: restore into a new instance,
 * validate, and cut over only after a second approval. The old database is never touched.
 */
export function buildRecoveryPlan(subject: PlanSubject, target: RestoreTarget, path: Extract<RunPath, 'pitr' | 'restore'> = target.kind === 'time' ? 'pitr' : 'restore'): Plan {
  const steps: StepSpec[] = [
    ...restoreSteps(target),
    { kind: 'gate', name: 'Approve cutover', gate: 'cutover' },
    ...subject.cutovers.map((name, index) => ({ kind: 'cutover', name: `Cut over: ${name}`, params: { index, cutover: name } })),
  ];
  if (subject.healthChecks > 0) steps.push({ kind: 'verify-health', name: 'Verify application health' });
  if (subject.retainReplaced && subject.cutovers.length > 0) steps.push({ kind: 'retain-old', name: 'Keep the replaced database for its retention period' });
  return { path, database: subject.database, target, steps };
}

/** A drill restores into a sandbox, validates, and always tears down; it never cuts over. */
export function buildDrillPlan(subject: PlanSubject, target: RestoreTarget): Plan {
  const [check, , restore, wait, validate] = restoreSteps(target) as [StepSpec, StepSpec, StepSpec, StepSpec, StepSpec];
  return {
    path: 'drill',
    database: subject.database,
    target,
    steps: [check, { ...restore, params: { nameSuffix: 'drill' } }, wait, validate, { kind: 'teardown', name: 'Tear down the sandbox' }],
  };
}
