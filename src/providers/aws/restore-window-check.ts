import type { RestorableWindow } from '../ports';
import { RewindError } from '../../recovery/errors';

/**
 * Refuses a point-in-time target outside the source's restorable window before anything is
 * created (the AWS error for this case does not say what the window is). A target between the
 * latest restorable time and now only needs patience (RDS is usually < 5 min behind), so that
 * case is retryable; a target before the window or in the future is not.
 */
export function checkTargetInWindow(at: Date, window: RestorableWindow, source: string, now: Date): void {
  const range = `${window.earliest.toISOString()} to ${window.latest.toISOString()}`;
  const detail = { target: at.toISOString(), earliest: window.earliest.toISOString(), latest: window.latest.toISOString() };
  if (at.getTime() < window.earliest.getTime()) {
    throw new RewindError({
      code: 'TARGET_OUTSIDE_WINDOW',
      userMessage: `${at.toISOString()} is before the restorable window of ${source} (${range}). Choose a time inside the window, or restore from an older snapshot.`,
      detail,
    });
  }
  if (at.getTime() > now.getTime()) {
    throw new RewindError({
      code: 'TARGET_OUTSIDE_WINDOW',
      userMessage: `${at.toISOString()} is in the future; ${source} can be restored to ${range}.`,
      detail,
    });
  }
  if (at.getTime() > window.latest.getTime()) {
    throw new RewindError({
      code: 'TARGET_NOT_YET_RESTORABLE',
      userMessage: `${at.toISOString()} is after the latest restorable time of ${source} (window ${range}); AWS usually catches up within 5 minutes. Rewind will try again.`,
      retryable: true,
      detail,
    });
  }
}

/** RDS identifiers: 1-63 letters, digits or hyphens, starting with a letter, no `--`, no trailing `-`. */
export function checkRdsIdentifier(name: string, kind: string): void {
  if (name.length <= 63 && /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*$/.test(name) && !name.endsWith('-')) return;
  throw new RewindError({
    code: 'INVALID_TARGET_NAME',
    userMessage: `'${name}' cannot be used as an RDS ${kind} identifier: use at most 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen.`,
  });
}
