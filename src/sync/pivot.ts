// Pure pivot: measure rows (any order) become one document and one fingerprint per wave.
import { WaveFingerprint } from './fingerprint.js';
import type { MeasureRow, PivotDocument } from './types.js';

export interface PivotWave {
  doc: PivotDocument;
  /** Fingerprint of the wave's measures; only computed for waves from `fingerprintFrom` on. */
  fingerprint: string | undefined;
}

/**
 * Pivots rows into documents. Fingerprints cost a hash per row and are only kept for the re-scan
 * window, so they are computed only for the waves `wantsFingerprint` selects (default: all).
 */
export function pivotRows(
  rows: readonly MeasureRow[],
  encode: (pointId: string) => string,
  wantsFingerprint: (wave: number) => boolean = () => true,
): Map<number, PivotWave> {
  const docs = new Map<number, PivotDocument>();
  const prints = new Map<number, WaveFingerprint>();
  for (const [wave, pointId, value] of rows) {
    let doc = docs.get(wave);
    if (doc === undefined) {
      doc = { _id: wave, wave_counter: wave, ts: new Date(wave * 1000) };
      docs.set(wave, doc);
      if (wantsFingerprint(wave)) prints.set(wave, new WaveFingerprint());
    }
    doc[encode(pointId)] = value;
    prints.get(wave)?.add(pointId, value);
  }
  const result = new Map<number, PivotWave>();
  for (const [wave, doc] of docs) result.set(wave, { doc, fingerprint: prints.get(wave)?.toString() });
  return result;
}
