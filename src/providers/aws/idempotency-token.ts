import { createHash } from 'node:crypto';

/**
 * A UUID-shaped token derived from a key, for AWS `ClientRequestToken` parameters: the same key
 * always yields the same token, so a repeated call is recognised by AWS as the same request.
 * The layout follows RFC 9562's version 8 (custom) with the RFC variant bits.
 */
export function uuidFromKey(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
