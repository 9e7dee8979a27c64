// What a cycle did, for the log line, the STATUS line and the CLI's summary.

export interface CycleReport {
  lowerBound: number;
  /** Waves read from MySQL (new and re-read ones). */
  waves: number;
  rows: number;
  documents: number;
  inserted: number;
  replaced: number;
  deleted: number;
  /** Waves whose digest was compared with the recorded one. */
  checked: number;
  /** Of those, waves that differed (re-read or removed). */
  differed: number;
  /** Waves the change column's newly settled rows touched beyond what their documents hold (checked). */
  touched: number;
  /** Newest wave synced over all kept collections, null before the first. */
  lastWave: number | null;
  lagSeconds: number | null;
  collections: number;
  aborted: boolean;
  ms: number;
  /**
   * Milliseconds of the cycle after its new waves were in MongoDB (retention, checks, saving). The
   * loop counts them into its pause, so that new waves are read sleep_time apart.
   */
  afterNewWavesMs: number;
  /** Milliseconds per stage; read and write overlap, so these are the times spent waiting on each. */
  stages: CycleStages;
}

export interface CycleStages {
  checkpoints_ms: number;
  retention_ms: number;
  cycles_ms: number;
  mysql_wait_ms: number;
  pivot_ms: number;
  mongo_wait_ms: number;
}

export function emptyReport(lowerBound: number): CycleReport {
  return {
    lowerBound,
    waves: 0,
    rows: 0,
    documents: 0,
    inserted: 0,
    replaced: 0,
    deleted: 0,
    checked: 0,
    differed: 0,
    touched: 0,
    lastWave: null,
    lagSeconds: null,
    collections: 0,
    aborted: false,
    ms: 0,
    afterNewWavesMs: 0,
    stages: {
      checkpoints_ms: 0,
      retention_ms: 0,
      cycles_ms: 0,
      mysql_wait_ms: 0,
      pivot_ms: 0,
      mongo_wait_ms: 0,
    },
  };
}

export async function timed<T>(stages: CycleStages, stage: keyof CycleStages, work: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work;
  } finally {
    stages[stage] += Math.round(performance.now() - started);
  }
}
