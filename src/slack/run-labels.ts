import type { RestoreTarget } from '../providers/ports';
import { cutoverRollbackOf } from '../recovery/cutover-rollback';
import { currentGate } from '../recovery/gates';
import type { Run, RunPath } from '../recovery/run';
import { utcDateTime } from './format';

/** Words the run messages share, so the header, fallback text and thread replies agree. */

const PATH_LABELS: Record<RunPath, string> = { pitr: 'PITR', restore: 'Restore', drill: 'Drill', failover: 'Failover', custom: 'Run' };

export function pathLabel(path: RunPath): string {
  return PATH_LABELS[path] ?? 'Run';
}

/** "2024-05-01 10:02:00 UTC", "latest", "backup rds:prod-2024-05-01". */
export function targetLabel(target: RestoreTarget): string {
  if (target.kind === 'time') return utcDateTime(target.at);
  return target.kind === 'latest' ? 'latest' : `backup ${target.backupId}`;
}

/** "PITR prod-db-01 → 2024-05-01 10:02:00 UTC" (plain text; the header block clamps it to 150). */
export function headerText(run: Pick<Run, 'path' | 'database' | 'target'>): string {
  return `${pathLabel(run.path)} ${run.database} → ${targetLabel(run.target)}`;
}

/** "Approve restore", "Approve cutover"; other gate names are used as written. */
export function gateAction(gate: string): string {
  return `Approve ${gate}`;
}

/** What the run is doing, in a few words: "waiting for approval to cut over", "failed at step 5". */
export function statusPhrase(run: Run): string {
  switch (run.status) {
    case 'planned':
      return 'planned, starting shortly';
    case 'awaiting_approval': {
      const gate = currentGate(run);
      return gate === undefined ? 'waiting for approval' : `waiting for approval to ${gate.gate === 'cutover' ? 'cut over' : gate.gate}`;
    }
    case 'running': {
      const step = run.steps[run.currentStep];
      return step === undefined ? 'running' : `running step ${step.idx + 1} of ${run.steps.length}`;
    }
    case 'rolling_back':
      return cutoverRollbackOf(run) ? 'rolling back the cutover' : 'aborted, undoing what the run created';
    case 'succeeded':
      return 'succeeded';
    case 'failed': {
      const failed = run.steps.find((s) => s.status === 'failed');
      return failed === undefined ? 'failed' : `failed at step ${failed.idx + 1}`;
    }
    case 'aborted':
      return cutoverRollbackOf(run) ? 'cutover rolled back' : 'aborted';
  }
}
