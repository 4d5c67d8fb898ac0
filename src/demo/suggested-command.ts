import type { RecoverySource } from '../providers/ports';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ISO 8601 in UTC to the second, the way a person would type it. */
export function isoSecond(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Waits until `at` is inside the source's restorable window: the WAL holding it has been
 * archived (at most archive_timeout after it). Returns false when `timeoutMs` passes first.
 */
export async function waitUntilRestorable(source: RecoverySource, at: Date, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { window } = await source.describe();
    if (window.earliest.getTime() <= at.getTime() && window.latest.getTime() >= at.getTime()) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

/**
 * A restore time to suggest: a minute ago, or, on a fresh demo whose first base backup is
 * younger than that, the first whole second after the backup. Waits until that time is in the
 * past and restorable, so the printed command works as printed.
 */
export async function suggestTarget(source: RecoverySource, timeoutMs: number): Promise<Date> {
  const { window } = await source.describe();
  const minuteAgo = Date.now() - 60_000;
  const at = new Date(Math.ceil(Math.max(minuteAgo, window.earliest.getTime() + 1) / 1000) * 1000);
  const wait = at.getTime() - Date.now() + 1000;
  if (wait > 0) await sleep(wait);
  await waitUntilRestorable(source, at, timeoutMs);
  return at;
}
