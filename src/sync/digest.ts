// The digest of one wave's measures: its row count and the sum of the server's CRC32 of each row's
// text, the shape pt-table-checksum uses (SUM, unlike BIT_XOR, does not cancel equal pairs).
import { crc32 } from 'node:zlib';

/**
 * The text MySQL hashes per row. CONCAT_WS skips NULLs, so ISNULL tells a NULL value from a
 * missing one. The CRC of each row read comes back with the row (same statement, same read
 * view), so the digest recorded for a document is exactly the digest of the rows it was built
 * from, without reproducing the server's double-to-text conversion in JavaScript.
 */
export function digestRowExpression(pointId: string, value: string): string {
  return `CRC32(CONCAT_WS('#', ${pointId}, ${value}, ISNULL(${value})))`;
}

/** Accumulates the CRCs of a wave's rows, in any order. */
export class WaveDigest {
  private count = 0;
  private sum = 0;

  add(crc: number): void {
    this.count += 1;
    this.sum += crc; // exact: below 2^53 for up to 2 million rows per wave
  }

  toString(): string {
    return formatDigest(this.count, this.sum);
  }
}

/** The one textual form of a digest, from Node's sums and the server's COUNT/SUM alike. */
export function formatDigest(count: number | string, sum: number | string | null): string {
  return `${String(count)}:${sum === null ? '0' : String(sum)}`;
}

/** A known string and the standard (IEEE) CRC32 of it: the server must agree, or digests mean nothing. */
export const CRC32_PROBE = 'db-proxy#21.5#0';
export const CRC32_PROBE_VALUE = crc32(CRC32_PROBE);
