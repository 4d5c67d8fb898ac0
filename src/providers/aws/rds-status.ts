/**
 * What an RDS instance or cluster status means for a restore. Terminal failure statuses come
 * with a message that says what usually causes them and what to do next.
 */
export type StatusMeaning = { kind: 'available' } | { kind: 'pending'; status: string } | { kind: 'failed'; reason: string };

const FAILURES: Record<string, (what: string) => string> = {
  failed: (w) => `RDS reports ${w} as failed. Its RDS events say why; discard it and try again.`,
  'incompatible-restore': (w) =>
    `RDS could not restore ${w} (incompatible-restore): the chosen time or backup cannot be used, often because a transaction log segment is missing or the engine version is no longer supported. Try another time or backup.`,
  'incompatible-parameters': (w) =>
    `RDS could not start ${w} (incompatible-parameters): the parameter group copied from the source has values this instance cannot use, typically memory settings too large for the instance class. Fix the parameter group or choose a larger class.`,
  'incompatible-network': (w) =>
    `RDS could not attach ${w} to its network (incompatible-network): the subnet group has no free IP addresses, or its subnets are in zones that do not offer this instance class. Free addresses or change the subnet group.`,
  'storage-full': (w) => `${w} ran out of storage during the restore (storage-full). Restore again with more allocated storage.`,
  'inaccessible-encryption-credentials': (w) =>
    `RDS cannot use the KMS key that encrypts ${w} (inaccessible-encryption-credentials). Restore access to the key, then try again.`,
  'inaccessible-encryption-credentials-recoverable': (w) =>
    `RDS cannot use the KMS key that encrypts ${w} right now. Restore access to the key, then try again.`,
  deleting: (w) => `${w} is being deleted; it cannot become available.`,
  stopped: (w) => `${w} is stopped; start it or discard it.`,
};

/** `what` names the resource for messages, e.g. "restored instance orders-dr-42". */
export function statusMeaning(status: string | undefined, what: string): StatusMeaning {
  const s = status ?? 'unknown';
  if (s === 'available') return { kind: 'available' };
  const failure = FAILURES[s];
  if (failure) return { kind: 'failed', reason: failure(what) };
  return { kind: 'pending', status: s };
}

/**
 * Failure statuses RDS does not leave by itself: nothing Rewind can wait for. In them RDS will not
 * apply a modification, so a copy that still has deletion protection on cannot be deleted until a
 * person turns the protection off (an unprotected one can be deleted, without a final snapshot).
 */
const STUCK = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'storage-full',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
]);

export function isStuckStatus(status: string | undefined): status is string {
  return status !== undefined && STUCK.has(status);
}
