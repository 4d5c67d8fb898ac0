import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECK_NICE, type PgProcessRunner } from './pg-process';
import { formatLsn, parseLsn, parseSegmentName, segmentFileName, segmentNameForLsn, segmentNumber, segmentStart } from './pg-lsn';
import { parsePgTimestamp, type Micros } from './pg-time';

/** A COMMIT or ABORT record: the only records a time target can stop before. */
export interface XactRecord {
  lsn: bigint;
  xid: number;
  kind: 'commit' | 'abort';
  at: Micros;
}

export interface ArchivedSegment {
  name: string;
  tli: number;
  segno: bigint;
}

export type ScanResult =
  | { ok: true; stoppedAt?: XactRecord; lastBefore?: XactRecord }
  | { ok: false; segment: string; reason: string; lastBefore?: XactRecord };

const XACT_LINE =
  /tx:\s*(\d+), lsn: ([0-9A-F]+\/[0-9A-F]+), prev [^,]*, desc: (COMMIT|ABORT|COMMIT_PREPARED|ABORT_PREPARED) (?:\d+: )?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)(?: ([A-Za-z]+|[+-][\d:]+))?/;

/** Parses one `pg_waldump` line (run with TZ=UTC); undefined for anything but commit/abort. */
export function parseXactLine(line: string): XactRecord | undefined {
  const m = XACT_LINE.exec(line);
  if (!m || !m[1] || !m[2] || !m[3] || !m[4]) return undefined;
  return {
    xid: Number(m[1]),
    lsn: parseLsn(m[2]),
    kind: m[3].startsWith('COMMIT') ? 'commit' : 'abort',
    at: parsePgTimestamp(`${m[4]}${m[5] ? ` ${m[5]}` : ''}`),
  };
}

/**
 * Reads a WAL archive directory with `pg_waldump`, which works whether or not the source is
 * running: the archive, not the source, is what a restore replays.
 */
export class WalArchive {
  private segSize?: number;

  constructor(
    private readonly runner: PgProcessRunner,
    readonly dir: string,
  ) {}

  /** Complete segments (24 hex digits; .partial, .backup, .tmp ignored), by timeline then number. */
  async segments(): Promise<ArchivedSegment[]> {
    const size = await this.segmentSize();
    if (size === undefined) return [];
    const out: ArchivedSegment[] = [];
    for (const name of await readdir(this.dir)) {
      const parsed = parseSegmentName(name, size);
      if (parsed) out.push({ name, ...parsed });
    }
    return out.sort((a, b) => a.tli - b.tli || (a.segno < b.segno ? -1 : a.segno > b.segno ? 1 : 0));
  }

  /** Bytes per segment, from the size of an archived segment (all are complete and equal). */
  async segmentSize(): Promise<number | undefined> {
    if (this.segSize) return this.segSize;
    for (const name of await readdir(this.dir)) {
      if (!/^[0-9A-F]{24}$/.test(name)) continue;
      const size = (await stat(join(this.dir, name))).size;
      if (size >= 1 << 20 && size <= 1 << 30 && (size & (size - 1)) === 0) return (this.segSize = size);
    }
    return undefined;
  }

  /** The highest timeline the archive knows of, from segment names and *.history files. */
  async newestTimeline(): Promise<number> {
    let newest = 0;
    for (const name of await readdir(this.dir)) {
      const m = /^([0-9A-F]{8})(?:[0-9A-F]{16}|\.history)$/.exec(name);
      if (m?.[1]) newest = Math.max(newest, parseInt(m[1], 16));
    }
    return newest;
  }

  /**
   * The newest commit or abort in the archive on timeline `tli`, scanning segments newest first,
   * not below `notBefore` and, when given, only in segments before `belowSegment`.
   */
  async latestTransaction(tli: number, notBefore: bigint, belowSegment?: string): Promise<XactRecord | undefined> {
    const size = await this.segmentSize();
    if (size === undefined) return undefined;
    const floor = segmentNumber(notBefore, size);
    const ceiling = belowSegment ? parseSegmentName(belowSegment, size)?.segno : undefined;
    const segs = (await this.segments()).filter((s) => s.tli === tli && s.segno >= floor && (ceiling === undefined || s.segno < ceiling)).reverse();
    for (const seg of segs) {
      let last: XactRecord | undefined;
      await this.waldump(tli, segmentStart(seg.segno, size), segmentStart(seg.segno + 1n, size), (rec) => {
        last = rec;
        return false;
      });
      if (last) return last;
    }
    return undefined;
  }

  /** The first segment absent between the one holding `from` and the newest archived one of `tli`. */
  async firstMissingSegment(tli: number, from: bigint): Promise<string | undefined> {
    const size = await this.segmentSize();
    if (size === undefined) return undefined;
    const segs = (await this.segments()).filter((s) => s.tli === tli);
    const present = new Set(segs.map((s) => s.segno));
    const newest = segs[segs.length - 1]?.segno ?? 0n;
    for (let n = segmentNumber(from, size); n < newest; n++) if (!present.has(n)) return segmentFileName(tli, n, size);
    return undefined;
  }

  /**
   * Replays the archive's transaction records from `start` to `end` (default: the end of the
   * newest archived segment of `tli`) the way recovery would read it, stopping at the first
   * record for which `stopWhen` is true. A missing segment, or a record that cannot be read
   * before `end`, is reported with the segment's name: recovery would silently end there.
   */
  async scan(opts: { tli: number; start: bigint; end?: bigint; stopWhen?: (rec: XactRecord) => boolean }): Promise<ScanResult> {
    const size = await this.segmentSize();
    if (size === undefined) return { ok: false, segment: segmentNameForLsn(opts.tli, opts.start, 16 << 20), reason: 'absent: the WAL archive holds no segments' };
    const onTli = (await this.segments()).filter((s) => s.tli === opts.tli);
    const newest = onTli[onTli.length - 1];
    const end = opts.end ?? (newest ? segmentStart(newest.segno + 1n, size) : opts.start);
    // pg_waldump waits 5 s for a missing file (it may be "not written yet"), so read only up to
    // the first absent segment, which is where recovery would end too.
    const present = new Set(onTli.map((s) => s.segno));
    let missing: bigint | undefined;
    for (let n = segmentNumber(opts.start, size); n <= segmentNumber(end - 1n, size); n++) {
      if (!present.has(n)) {
        missing = n;
        break;
      }
    }
    const gap = (lastBefore?: XactRecord): ScanResult => ({
      ok: false,
      segment: segmentFileName(opts.tli, missing ?? 0n, size),
      reason: 'missing from the archive',
      ...(lastBefore ? { lastBefore } : {}),
    });
    const readableEnd = missing === undefined ? end : segmentStart(missing, size);
    if (readableEnd <= opts.start) return gap();
    const res = await this.waldump(opts.tli, opts.start, readableEnd, opts.stopWhen ?? (() => false));
    if (res.ok && !res.stoppedAt && missing !== undefined) return gap(res.lastBefore);
    return res;
  }

  private async waldump(tli: number, start: bigint, end: bigint, stopWhen: (rec: XactRecord) => boolean): Promise<ScanResult> {
    let lastBefore: XactRecord | undefined;
    let stoppedAt: XactRecord | undefined;
    const res = await this.runner.tool(
      'pg_waldump',
      ['-p', this.dir, '-t', String(tli), '-s', formatLsn(start), '-e', formatLsn(end), '-r', 'Transaction'],
      {
        nice: CHECK_NICE,
        onStdoutLine: (line) => {
          const rec = parseXactLine(line);
          if (!rec) return;
          if (stopWhen(rec)) {
            stoppedAt = rec;
            return 'stop';
          }
          lastBefore = rec;
        },
      },
    );
    if (res.stoppedEarly || res.code === 0) return { ok: true, ...(stoppedAt ? { stoppedAt } : {}), ...(lastBefore ? { lastBefore } : {}) };
    const size = (await this.segmentSize()) ?? 16 << 20;
    return { ok: false, ...describeWaldumpError(res.stderr, tli, size), ...(lastBefore ? { lastBefore } : {}) };
  }
}

/** Names the segment a pg_waldump failure is about and says what was wrong with it. */
export function describeWaldumpError(stderr: string, tli: number, segSize: number): { segment: string; reason: string } {
  const text = stderr.replace(/^pg_waldump: (error|fatal): /gm, '').trim();
  const missing = /could not (?:find|locate|open) (?:file|WAL file) "([0-9A-F]{24})"/.exec(text);
  if (missing?.[1]) return { segment: missing[1], reason: 'missing from the archive' };
  const named = /([0-9A-F]{24})/.exec(text);
  if (named?.[1]) return { segment: named[1], reason: `unreadable (${text.split('\n')[0]})` };
  const lsns = [...text.matchAll(/at ([0-9A-F]+\/[0-9A-F]+)/g)].map((m) => m[1]).filter((x): x is string => !!x);
  const at = lsns[lsns.length - 1];
  if (at) return { segment: segmentNameForLsn(tli, parseLsn(at), segSize), reason: `corrupt (${text.split('\n')[0]})` };
  return { segment: 'unknown', reason: text || 'pg_waldump failed' };
}
