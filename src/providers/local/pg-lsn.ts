/**
 * WAL positions and segment file names. LSNs are bigints ("0/3000028" → 0x3000028n); segment
 * names are TLI + high + low, 8 hex digits each, as PostgreSQL writes them.
 */

export const SEGMENT_NAME = /^[0-9A-F]{24}$/;

export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

function segmentsPerId(segSize: number): bigint {
  return 0x100000000n / BigInt(segSize);
}

export function segmentNumber(lsn: bigint, segSize: number): bigint {
  return lsn / BigInt(segSize);
}

export function segmentStart(segno: bigint, segSize: number): bigint {
  return segno * BigInt(segSize);
}

export function segmentFileName(tli: number, segno: bigint, segSize: number): string {
  const per = segmentsPerId(segSize);
  const hex = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(tli)}${hex(segno / per)}${hex(segno % per)}`;
}

/** The segment that holds `lsn`. */
export function segmentNameForLsn(tli: number, lsn: bigint, segSize: number): string {
  return segmentFileName(tli, segmentNumber(lsn, segSize), segSize);
}

export function parseSegmentName(name: string, segSize: number): { tli: number; segno: bigint } | undefined {
  if (!SEGMENT_NAME.test(name)) return undefined;
  const tli = parseInt(name.slice(0, 8), 16);
  const hi = BigInt(`0x${name.slice(8, 16)}`);
  const lo = BigInt(`0x${name.slice(16, 24)}`);
  return { tli, segno: hi * segmentsPerId(segSize) + lo };
}
