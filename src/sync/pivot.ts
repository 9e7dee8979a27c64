// Pure pivot: measure rows (any order) become one document and one fingerprint per wave.
import { WaveFingerprint } from './fingerprint.js';
import type { MeasureRow, PivotDocument } from './types.js';

export interface PivotWave {
  doc: PivotDocument;
  fingerprint: string;
}

export function pivotRows(rows: readonly MeasureRow[], encode: (pointId: string) => string): Map<number, PivotWave> {
  const docs = new Map<number, PivotDocument>();
  const prints = new Map<number, WaveFingerprint>();
  for (const [wave, pointId, value] of rows) {
    let doc = docs.get(wave);
    let print = prints.get(wave);
    if (doc === undefined || print === undefined) {
      doc = { _id: wave, wave_counter: wave, ts: new Date(wave * 1000) };
      print = new WaveFingerprint();
      docs.set(wave, doc);
      prints.set(wave, print);
    }
    doc[encode(pointId)] = value;
    print.add(pointId, value);
  }
  const result = new Map<number, PivotWave>();
  for (const [wave, doc] of docs) result.set(wave, { doc, fingerprint: String(prints.get(wave)) });
  return result;
}
