/**
 * Wraps a log call so the same message is written at most once per `intervalMs`: a Redis that is
 * down makes every client retry many times a second, and one line per retry would bury the log.
 * Repeats are counted and reported with the next line that gets through.
 */
export function throttled(log: (obj: object, msg: string) => void, intervalMs = 30_000): (obj: { err?: string } & object, msg: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (obj, msg) => {
    const key = `${msg}:${obj.err ?? ''}`;
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    last.set(key, { at: now, suppressed: 0 });
    log(seen?.suppressed ? { ...obj, repeated: seen.suppressed } : obj, msg);
  };
}
