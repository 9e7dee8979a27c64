// Command-line flags of the benchmark: `npm run bench -- [--monitories N] [--waves N] ...`.
import { DEFAULT_BASELINE_REV } from './baseline.ts';

export interface SteadyOptions {
  /** Length of the measured window of live waves. */
  minutes: number;
  /** Waves this many times as often as the realistic building (history and live alike). */
  timeFactor: number;
  /** The git revision built as the baseline. */
  baselineRev: string;
  /** The candidate is told to use TL_measures.id as source.measure_change_column. */
  changeColumn: boolean;
  /** Merged into the candidate's defaults.json (--defaults); the baseline keeps its defaults. */
  candidateDefaults?: Record<string, unknown>;
}

export interface BenchOptions {
  monitories: number;
  /** Waves per monitory name. */
  waves: number;
  points: number;
  latencyWaves: number;
  json: boolean;
  skipDouble: boolean;
  /** insertMany calls in flight while measuring the write limit: each is measured, the best is the limit. */
  writeInFlight: number[];
  /** Set by --row-cost: the per-row cost of statement shapes instead of the backfill benchmark. */
  rowCost?: boolean;
  /** Set by --steady: the steady-state benchmark instead of the backfill benchmark. */
  steady: SteadyOptions | null;
  /** Merged into defaults.json of every db-proxy run, e.g. {"sync": {"waves_per_query": 64}}. */
  defaults: Record<string, unknown>;
  /** When set, the first backfill runs under `node --cpu-prof --cpu-prof-dir DIR`. */
  cpuProfDir: string | undefined;
  /** Extra node flags for the backfill runs (repeatable --node-arg), e.g. --max-semi-space-size=4. */
  nodeArgs: string[];
  /** How the latency test sees a wave arrive; auto picks findOne unless _id lookups are collection scans. */
  latencyProbe: 'auto' | 'findOne' | 'checkpoint';
  /** Seconds the sync loop idles after its backfill before its RSS is read; 0 skips that phase. */
  idleSeconds: number;
}

const USAGE = `usage: npm run bench -- [options]
  --monitories N       monitory names, each with its own waves (default 2)
  --waves N            waves per monitory name (default 2000)
  --points N           points per wave (default 250)
  --latency-waves N    new waves committed to measure the incremental latency (default 20)
  --idle-seconds N     the sync loop backfills, then idles N s before its RSS is read (default 30;
                       0 skips it)
  --write-in-flight L  insertMany batches in flight for the write limit, each measured, the best
                       is the limit (default 1,2,4)
  --defaults JSON      merged into db-proxy's defaults.json, e.g. '{"sync":{"waves_per_query":64}}'
  --cpu-prof DIR       run the first backfill under node --cpu-prof, profiles written to DIR
  --node-arg FLAG      extra node flag for both backfill runs (repeatable), e.g. --node-arg=--trace-gc
  --latency-probe M    auto (default), findOne or checkpoint: how a new wave is seen arriving in MongoDB
  --json               print the figures as one JSON object
  --skip-double        skip the backfill of the doubled data set (RSS growth)
  --help               this text

steady state (MySQL's load in MariaDB's user statistics, candidate beside baseline):
  --steady             the realistic building: backfill, then live waves for the window
  --steady-minutes N   the window of live waves (default 15: a multiple of the slowest package's
                       900 s, so the checks of each age fall on a whole period of waves)
  --time-factor K      waves K times as often, over the whole retention (default 1: real time)
  --baseline-rev REV   git revision built as the baseline (default ${DEFAULT_BASELINE_REV}: today's policy)
  --change-column      the candidate uses TL_measures.id as source.measure_change_column

row cost (what one row read costs MariaDB, per statement shape, on the realistic building):
  --row-cost           today's re-scan beside the product's digest check, young and old waves`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchOptions | 'help' {
  const options: BenchOptions = {
    monitories: 2,
    waves: 2000,
    points: 250,
    latencyWaves: 20,
    json: false,
    skipDouble: false,
    writeInFlight: [1, 2, 4],
    steady: null,
    defaults: {},
    cpuProfDir: undefined,
    nodeArgs: [],
    latencyProbe: 'auto',
    idleSeconds: 30,
  };
  const numeric: Record<string, keyof BenchOptions> = {
    '--monitories': 'monitories',
    '--waves': 'waves',
    '--points': 'points',
    '--latency-waves': 'latencyWaves',
    '--idle-seconds': 'idleSeconds',
  };
  const steady: SteadyOptions = { minutes: 15, timeFactor: 1, baselineRev: DEFAULT_BASELINE_REV, changeColumn: false };
  let wantSteady = false;
  const steadyNumbers: Record<string, 'minutes' | 'timeFactor'> = {
    '--steady-minutes': 'minutes',
    '--time-factor': 'timeFactor',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      options.json = true;
      continue;
    }
    if (arg === '--row-cost') {
      options.rowCost = true;
      continue;
    }
    if (arg === '--skip-double') {
      options.skipDouble = true;
      continue;
    }
    if (arg === '--steady' || arg === '--change-column') {
      wantSteady = true;
      if (arg === '--change-column') steady.changeColumn = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (flag === '--latency-probe') {
      const text = inline ?? argv[++i];
      if (text !== 'auto' && text !== 'findOne' && text !== 'checkpoint') {
        throw new UsageError(
          `--latency-probe: expected auto, findOne or checkpoint, got ${JSON.stringify(text ?? '')}`,
        );
      }
      options.latencyProbe = text;
      continue;
    }
    const steadyKey = steadyNumbers[flag];
    if (steadyKey !== undefined) {
      const text = inline ?? argv[++i];
      const value = Number(text);
      const max = steadyKey === 'timeFactor' ? 60 : 24 * 60;
      if (text === undefined || !Number.isInteger(value) || value < 1 || value > max)
        throw new UsageError(`${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(text ?? '')}`);
      steady[steadyKey] = value;
      wantSteady = true;
      continue;
    }
    if (flag === '--write-in-flight') {
      const text = inline ?? argv[++i] ?? '';
      const list = text.split(',').map(Number);
      if (text === '' || list.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
        throw new UsageError(
          `--write-in-flight: expected whole numbers from 1 to 16, comma-separated, got ${JSON.stringify(text)}`,
        );
      options.writeInFlight = [...new Set(list)];
      continue;
    }
    if (flag === '--baseline-rev') {
      const text = inline ?? argv[++i];
      if (text === undefined || !/^[\w./^~-]{1,100}$/.test(text) || text.startsWith('-'))
        throw new UsageError(
          `--baseline-rev: expected a git revision (a commit, tag or branch), got ${JSON.stringify(text ?? '')}`,
        );
      steady.baselineRev = text;
      wantSteady = true;
      continue;
    }
    if (flag === '--defaults' || flag === '--cpu-prof' || flag === '--node-arg') {
      const text = inline ?? argv[++i];
      if (text === undefined || text === '') throw new UsageError(`${flag}: expected a value\n${USAGE}`);
      if (flag === '--cpu-prof') options.cpuProfDir = text;
      else if (flag === '--node-arg') options.nodeArgs.push(text);
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new UsageError(`--defaults: expected a JSON object, got ${JSON.stringify(text)}`);
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new UsageError('--defaults: expected a JSON object');
        options.defaults = parsed as Record<string, unknown>;
      }
      continue;
    }
    const key = numeric[flag];
    if (key === undefined) throw new UsageError(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    const min = key === 'latencyWaves' || key === 'idleSeconds' ? 0 : 1;
    if (text === undefined || !Number.isInteger(value) || value < min) {
      throw new UsageError(`${flag}: expected a whole number >= ${min}, got ${JSON.stringify(text ?? '')}\n${USAGE}`);
    }
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (options.monitories > 100) throw new UsageError('--monitories: at most 100');
  if (wantSteady) options.steady = { ...steady, candidateDefaults: options.defaults };
  return options;
}

export { USAGE };
