import { RewindError } from '../../recovery/errors';

/**
 * Maps AWS SDK errors to RewindError. Codes are normalised so that the wire code
 * (`DBInstanceNotFound`) and the SDK's exception name (`DBInstanceNotFoundFault`) compare equal.
 * AWS error messages name resources and parameters, never secret values, so they may be shown.
 */

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorized']);

const CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
]);

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The AWS error code without a trailing `Fault`, or undefined when `err` is not an AWS error. */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkErrorShape;
  const raw = [e.Code, e.code, e.name].find((v): v is string => typeof v === 'string' && v !== 'Error' && v !== '');
  if (raw === undefined) return undefined;
  return raw.endsWith('Fault') ? raw.slice(0, -'Fault'.length) : raw;
}

export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && codes.includes(code);
}

function awsMessage(err: unknown): string {
  const msg = typeof err === 'object' && err !== null ? (err as SdkErrorShape).message : undefined;
  // Without its final period: the message is embedded in a sentence of Rewind's own.
  const text = typeof msg === 'string' && msg.trim() !== '' ? msg.trim().replace(/\.+$/, '') : 'no message';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** RDS answered 4xx: it refused the request (throttling included), so nothing was done. */
export function refusedByAws(err: unknown): boolean {
  const status = httpStatus(err);
  return status !== undefined && status >= 400 && status < 500;
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as SdkErrorShape).$metadata?.httpStatusCode;
}

/**
 * `action` completes "Could not …", e.g. "restore db-1 into db-1-dr-7". Unknown server errors
 * (5xx) and errors without an HTTP status (network) are retryable; other client errors are not.
 */
export function toRewindError(err: unknown, action: string): RewindError {
  if (err instanceof RewindError) return err;
  const code = awsErrorCode(err) ?? 'Unknown';
  const aws = awsMessage(err);
  const make = (rewindCode: string, userMessage: string, retryable: boolean): RewindError =>
    new RewindError({ code: rewindCode, userMessage, retryable, detail: { awsCode: code }, cause: err });

  if (THROTTLING.has(code)) {
    return make('AWS_THROTTLED', `AWS is throttling requests while trying to ${action}; Rewind will retry with backoff.`, true);
  }
  if (ACCESS_DENIED.has(code)) {
    return make('AWS_ACCESS_DENIED', `Rewind's AWS identity is not allowed to ${action} (${aws}). Grant the permission in its IAM policy.`, false);
  }
  if (CREDENTIALS.has(code)) {
    return make('AWS_CREDENTIALS', `AWS rejected Rewind's credentials while trying to ${action} (${code}). Check the credential chain (role, profile or keys).`, false);
  }
  switch (code) {
    case 'DBInstanceAlreadyExists':
    case 'DBClusterAlreadyExists':
      return make('AWS_ALREADY_EXISTS', `Could not ${action}: a resource with that name already exists (${aws}).`, false);
    case 'PointInTimeRestoreNotEnabled':
      return make('PITR_NOT_ENABLED', `Could not ${action}: point-in-time restore is not enabled on the source (automated backups are off). Turn on automated backups or restore from a snapshot.`, false);
    case 'InvalidRestore':
      return make('INVALID_RESTORE', `AWS refused to ${action}: ${aws}. Check the restore time against the restorable window, or pick another backup.`, false);
    case 'StorageQuotaExceeded':
      return make('STORAGE_QUOTA_EXCEEDED', `Could not ${action}: the account's RDS storage quota is used up. Delete unused instances or ask AWS for a higher quota.`, false);
    case 'InsufficientDBInstanceCapacity':
    case 'InsufficientDBClusterCapacity':
    case 'InsufficientStorageClusterCapacity':
      return make('AWS_INSUFFICIENT_CAPACITY', `Could not ${action}: AWS has no capacity for that instance class in that zone right now (${aws}). Retry later or choose another instance class.`, true);
    case 'DBInstanceNotFound':
    case 'DBClusterNotFound':
      return make('AWS_NOT_FOUND', `Could not ${action}: the database was not found (${aws}). Check the identifier and the region.`, false);
    case 'DBSnapshotNotFound':
    case 'DBClusterSnapshotNotFound':
      return make('BACKUP_NOT_FOUND', `Could not ${action}: the snapshot was not found (${aws}). List the backups with the describe command and pick one of them.`, false);
    case 'InvalidDBSnapshotState':
    case 'InvalidDBClusterSnapshotState':
      return make('BACKUP_NOT_READY', `Could not ${action}: the snapshot is not available yet (${aws}).`, true);
    case 'InvalidDBInstanceState':
    case 'InvalidDBClusterState':
      return make('AWS_INVALID_STATE', `Could not ${action} right now: the database is busy (${aws}). Rewind will retry.`, true);
    case 'ResourceNotFoundException':
      return make('AWS_NOT_FOUND', `Could not ${action}: ${aws}.`, false);
    default: {
      const status = httpStatus(err);
      const retryable = status === undefined || status >= 500;
      return make('AWS_ERROR', `Could not ${action}: AWS answered ${code}: ${aws}.`, retryable);
    }
  }
}
