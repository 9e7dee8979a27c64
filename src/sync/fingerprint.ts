// An order-independent fingerprint of one wave's measures, so a re-scan can tell whether a wave
// changed without reading the document back from MongoDB.

/** Accumulates rows in any order; equal multisets of (point id, value) give equal fingerprints. */
export class WaveFingerprint {
  private count = 0;
  private sum = 0;
  private xor = 0;

  add(pointId: string, value: number | null): void {
    const h = hashRow(pointId, value);
    this.count += 1;
    this.sum = (this.sum + h) >>> 0;
    this.xor = (this.xor ^ Math.imul(h, 0x9e3779b1)) >>> 0;
  }

  toString(): string {
    return `${this.count}:${this.sum.toString(36)}:${this.xor.toString(36)}`;
  }
}

function hashRow(pointId: string, value: number | null): number {
  // FNV-1a over the id, a separator and the value's text.
  let h = 0x811c9dc5;
  const text = `${pointId}\u0000${value === null ? 'null' : String(value)}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
