// Pure pivot: measure rows (any order) become one document and one digest per wave.
import { WaveDigest } from './digest.js';
import type { MeasureRow, PivotDocument } from './types.js';

export interface PivotWave {
  doc: PivotDocument;
  /** Digest of the rows the document was built from (count and sum of the server's CRCs). */
  digest: string;
}

export function pivotRows(rows: readonly MeasureRow[], encode: (pointId: string) => string): Map<number, PivotWave> {
  const docs = new Map<number, PivotDocument>();
  const digests = new Map<number, WaveDigest>();
  for (const [wave, pointId, value, crc] of rows) {
    let doc = docs.get(wave);
    let digest = digests.get(wave);
    if (doc === undefined || digest === undefined) {
      doc = { _id: wave, wave_counter: wave, ts: new Date(wave * 1000) };
      digest = new WaveDigest();
      docs.set(wave, doc);
      digests.set(wave, digest);
    }
    doc[encode(pointId)] = value;
    digest.add(crc);
  }
  const result = new Map<number, PivotWave>();
  for (const [wave, doc] of docs) result.set(wave, { doc, digest: String(digests.get(wave)) });
  return result;
}
