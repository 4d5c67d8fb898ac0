import type { PgProcessRunner } from './pg-process';
import { parseLsn, segmentNumber } from './pg-lsn';
import { shellQuote } from './pg-settings';
import type { WalArchive } from './wal-archive';

/**
 * WAL prefetch for a restore. Recovery asks restore_command for one segment at a time and
 * replays nothing while it runs, so a `cp` from the archive per segment costs about a third of
 * replay. A prefetcher copies the segments the restore will need into a spool directory ahead
 * of replay (temporary name, then rename, so a spooled file is always complete), and
 * restore_command takes a spooled segment with a rename, falling back to copying from the archive
 * when the prefetcher is behind, gone or never started. The archive is only ever read.
 */

/**
 * Segments the prefetcher keeps ready at most: enough to stay ahead of replay (a copy takes a
 * fraction of a segment's replay), few enough not to copy in bursts that compete with it.
 */
export const PREFETCH_AHEAD = 16;
/** Segment names handed to one prefetcher at most (keeps its argument list well under ARG_MAX). */
const MAX_SEGMENTS = 20_000;

/** restore_command: the spooled segment if there is one, else a copy from the archive. */
export function spoolRestoreCommand(archiveDir: string, spoolDir: string): string {
  return `mv -f ${shellQuote(spoolDir)}/%f "%p" 2>/dev/null || cp ${shellQuote(archiveDir)}/%f "%p"`;
}

// $1 archive, $2 spool, $3 how many spooled segments to keep at most, then the segment names.
// Stops at the first segment the archive does not hold, when the spool directory is gone (the
// restore is over), or after two minutes without room (replay stopped taking segments).
const PREFETCH_SCRIPT = [
  'a=$1; s=$2; max=$3; shift 3',
  'for f in "$@"; do',
  '  idle=0',
  '  while [ -d "$s" ] && [ "$(ls -1 "$s" | wc -l)" -ge "$max" ]; do',
  '    idle=$((idle + 1)); [ "$idle" -gt 1200 ] && exit 0',
  '    sleep 0.1',
  '  done',
  '  [ -d "$s" ] && [ -f "$a/$f" ] || exit 0',
  '  cp "$a/$f" "$s/.$f.tmp" && mv -f "$s/.$f.tmp" "$s/$f" || exit 0',
  'done',
].join('\n');

/**
 * The archived segments of the backup's timeline from the one holding its start: what replay
 * reads, in order, up to the target (the prefetcher stays at most PREFETCH_AHEAD ahead of it).
 */
export async function segmentsFrom(archive: WalArchive, backup: { timeline: number; startLsn: string }): Promise<string[]> {
  const size = await archive.segmentSize();
  if (size === undefined) return [];
  const first = segmentNumber(parseLsn(backup.startLsn), size);
  return (await archive.segments())
    .filter((s) => s.tli === backup.timeline && s.segno >= first)
    .slice(0, MAX_SEGMENTS)
    .map((s) => s.name);
}

/** Starts the prefetcher in the background as the cluster owner; it ends on its own. */
export async function startWalPrefetch(runner: PgProcessRunner, o: { archiveDir: string; spoolDir: string; segments: string[]; ahead?: number }): Promise<void> {
  if (o.segments.length === 0) return;
  await runner.spawnDetached('/bin/sh', ['-c', PREFETCH_SCRIPT, 'rewind-wal-prefetch', o.archiveDir, o.spoolDir, String(o.ahead ?? PREFETCH_AHEAD), ...o.segments]);
}
