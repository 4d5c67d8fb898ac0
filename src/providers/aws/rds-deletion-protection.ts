import { ModifyDBClusterCommand, ModifyDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import { RewindError } from '../../recovery/errors';
import { DISCARD_PENDING } from '../ports';
import { awsErrorCode, isAwsError, toRewindError } from './aws-errors';

/**
 * A restored copy carries its source's deletion protection (rds-restore-settings copies it, so
 * that after a cutover the copy guards production as the source did). Discarding a copy before
 * any cutover therefore has to turn the protection off first.
 *
 * These helpers do not check ownership: discard() calls them only after the resource's tags showed
 * that this run created it, and never for the configured source. For Aurora only the cluster has
 * deletion protection; RDS refuses it on instances inside a cluster and deletes those regardless.
 */

export type ProtectedKind = 'instance' | 'cluster';

const NAMES: Record<ProtectedKind, string> = { instance: 'RDS instance', cluster: 'Aurora cluster' };

/** Deletion protection off, applied immediately. Repeating it on an unprotected resource is harmless. */
export async function liftDeletionProtection(rds: RDSClient, kind: ProtectedKind, id: string): Promise<void> {
  try {
    if (kind === 'instance') {
      await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, DeletionProtection: false, ApplyImmediately: true }));
    } else {
      await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: id, DeletionProtection: false, ApplyImmediately: true }));
    }
  } catch (err) {
    // A busy resource (creating, modifying, backing-up) maps to a retryable AWS_INVALID_STATE.
    throw toRewindError(err, `turn off the deletion protection of ${NAMES[kind]} ${id} (a copy this run created)`);
  }
}

/** DeleteDBInstance / DeleteDBCluster refused because deletion protection is (still) on. */
export function isProtectionRefusal(err: unknown): boolean {
  if (!isAwsError(err, 'InvalidParameterCombination')) return false;
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' && /deletion protection/i.test(message);
}

/**
 * The delete met protection that was just turned off (or that a stale describe did not show):
 * RDS has not applied the change yet. Retryable, so the caller's next attempt (a compensation
 * round, a teardown retry) describes the resource again, lifts the protection if it is still
 * on, and deletes.
 */
export function protectionNotLiftedYet(kind: ProtectedKind, id: string, err: unknown): RewindError {
  return new RewindError({
    code: DISCARD_PENDING,
    userMessage: `${NAMES[kind]} ${id}, which this run created, still has deletion protection on (copied from its source); Rewind is turning it off and will try the delete again once RDS has applied that.`,
    retryable: true,
    detail: { name: id, awsCode: awsErrorCode(err) },
    cause: err,
  });
}

/**
 * What a discard that cannot finish yet throws: the copy is busy (still creating, modifying the
 * protection) or RDS has not applied the protection change. Retryable, with the time to look
 * again, so an abort waits for the copy instead of giving up after a few quick rounds.
 */
export function discardLater(err: unknown, retryAfterMs: number): unknown {
  if (!(err instanceof RewindError) || !(err.code === 'AWS_INVALID_STATE' || err.code === DISCARD_PENDING)) return err;
  return new RewindError({ code: DISCARD_PENDING, userMessage: err.userMessage, retryable: true, detail: { ...err.detail, retryAfterMs }, cause: err });
}

export const DISCARD_STUCK = 'DISCARD_STUCK';

/** The client's region for a command a person can paste, or undefined when it cannot be read. */
async function regionOf(rds: RDSClient): Promise<string | undefined> {
  try {
    return await rds.config.region();
  } catch {
    return undefined;
  }
}

/**
 * The copy is in a failed status it does not leave by itself (see rds-status) and still has
 * deletion protection on: RDS will not delete it, and waiting helps nobody. Not retryable; the
 * message says what to do by hand, after which /dr abort deletes it.
 */
export async function discardStuck(rds: RDSClient, kind: ProtectedKind, id: string, status: string, runId: string): Promise<RewindError> {
  const region = await regionOf(rds);
  const command = `${kind === 'instance' ? `aws rds modify-db-instance --db-instance-identifier ${id}` : `aws rds modify-db-cluster --db-cluster-identifier ${id}`} --no-deletion-protection --apply-immediately${region ? ` --region ${region}` : ''}`;
  return new RewindError({
    code: DISCARD_STUCK,
    userMessage: `${NAMES[kind]} ${id}, which this run created, is ${status} (a failed state RDS does not leave by itself) and still has deletion protection on (copied from its source), so RDS will not delete it and waiting will not help. Turn the protection off by hand — \`${command}\` — then run /dr abort ${runId} again to delete it.`,
    detail: { name: id, status },
  });
}

/** discard() never touches the configured source, whatever its tags say. */
export function sourceDiscardRefused(kind: ProtectedKind, id: string): RewindError {
  return new RewindError({
    code: 'DISCARD_REFUSED',
    userMessage: `Refusing to delete ${NAMES[kind]} ${id}: it is the source this database restores from, not a copy this run created.`,
    detail: { name: id },
  });
}
