// `npm run bench -- --steady`: the realistic building in steady state, measured by MariaDB itself.
// Two products run side by side, each on its own identical building, MySQL user and MongoDB
// database: the candidate (the working tree's dist/) and the baseline (a git revision, built by
// baseline.ts). Both backfill with their looping `db-proxy sync`; then, for the window, live waves
// are committed to both buildings at the same moments, and USER_STATISTICS / TABLE_STATISTICS
// differences, the workers' CPU and RSS and each wave's commit → MongoDB latency are taken.
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname } from 'node:path';
import { buildBaseline } from './baseline.ts';
import { loadExpectation } from './expected.ts';
import { BUILDING, insertWave } from './building.ts';
import { connectRoot } from './dataset.ts';
import { provideMongo } from './mongo-server.ts';
import { figuresOf, type SideMeasurement, type SteadyFigures } from './steady-report.ts';
import { startSide, type Side } from './steady-side.ts';
import { difference, enableUserstat, readCounters } from './userstat.ts';
import type { SteadyOptions } from './args.ts';

const BACKFILL_TIMEOUT_MS = 30 * 60_000;
const ARRIVAL_TIMEOUT_MS = 120_000;
const POLL_MS = 50;
/** Package p's newest seeded wave is `now - p * SEEDED_OFFSET_S` (building.ts). */
const SEEDED_OFFSET_S = 7;

type Log = (message: string) => void;

export async function runSteady(
  projectRoot: string,
  candidateCli: string,
  options: SteadyOptions,
  log: Log,
): Promise<SteadyFigures> {
  // One server per side: FerretDB's SQLite takes one writer at a time, and a shared one made each
  // side wait for the other's writes (the baseline deletes the wave that ages out, at the moment
  // each live wave arrives): both sides' latency p95 rose to 7-12 s. MONGO_URL serves both.
  const mongo = await provideMongo(projectRoot);
  const mongos = [mongo, await provideMongo(projectRoot)];
  log(`MongoDB: ${mongos.map((m) => m.description).join('; ')}`);
  // FerretDB answers a numeric _id lookup with a collection scan (see latency.ts): use the checkpoint.
  const probe = mongo.description.startsWith('FerretDB') ? 'checkpoint' : 'findOne';
  log(`baseline: building ${options.baselineRev}`);
  const baseline = await buildBaseline(projectRoot, options.baselineRev);
  log(
    `baseline: ${baseline.commit.slice(0, 12)} built in ${(baseline.buildMs / 1000).toFixed(0)} s (${baseline.dependencies})`,
  );
  const userstat = await enableUserstat();
  log(`userstat on for the run${userstat.wasOn ? ' (it already was)' : ''}`);

  const now = Math.floor(Date.now() / 1000);
  const candidateDefaults = {
    ...options.candidateDefaults,
    ...(options.changeColumn ? { source: { measure_change_column: 'id' } } : {}),
  };
  const sides: Side[] = [];
  for (const [index, spec] of [
    { name: 'candidate' as const, cli: candidateCli, defaults: candidateDefaults },
    { name: 'baseline' as const, cli: baseline.cli, defaults: {} },
  ].entries()) {
    const side = await startSide(spec, mongos[index]!.url, options.timeFactor, now, probe);
    sides.push(side);
    const b = side.building;
    log(
      `${spec.name}: ${b.seededRows.toLocaleString('en-US')} rows (${b.seededWaves} waves) loaded in ${(b.loadMs / 1000).toFixed(1)} s; sync started`,
    );
  }

  // Backfill: each package's newest seeded wave (now - p·7, see building.ts) must be in MongoDB.
  const backfillS: number[] = [];
  for (const side of sides) {
    for (const p of BUILDING.packages.keys()) await waitArrived(side, p, now - p * 7, BACKFILL_TIMEOUT_MS);
    // From its process start; an upper bound for the first side, polled while the second loads.
    backfillS.push((performance.now() - side.startedAt) / 1000);
    log(`${side.spec.name}: backfilled after ${(backfillS.at(-1) ?? 0).toFixed(1)} s`);
  }
  await sleep(2 * BUILDING.sleepTime * 1000);

  const connections = await Promise.all(sides.map((side) => connectRoot(side.building.database)));
  try {
    const windowS = options.minutes * 60;
    const intervals = sides[0]!.building.intervals;
    log(
      `window: ${options.minutes} min, live waves every ${intervals.join(' s and ')} s (time factor ${options.timeFactor})`,
    );
    // A check at age A falls on the waves committed in one window's length, A earlier: over a
    // whole number of every package's period that is the same number of waves whatever A is;
    // otherwise the count depends on where the window falls (2 or 3 waves of the 300-s package
    // at each of the ~100 check ages, all at once).
    if (intervals.some((interval) => windowS % interval !== 0))
      log(
        `note: the window is no multiple of ${intervals.join(' s and ')} s: rows read per row inserted will be off the schedule's average`,
      );
    const before = await Promise.all(sides.map(snapshot));
    const started = performance.now();
    const end = started + windowS * 1000;
    // The live schedule continues each package's seeded one: its next wave one interval after the
    // newest seeded wave, then every interval (the first few may fall before the window opens and
    // are committed at once). Waves off that phase would add a wave to every young check age the
    // window sees: measured, 135 rows read per row inserted instead of the schedule's 116.
    // The last waves are early enough to arrive inside the window.
    const nowMs = Date.now();
    const events: { at: number; p: number; wave: number }[] = [];
    for (const [p, interval] of intervals.entries()) {
      for (let wave = now - p * SEEDED_OFFSET_S + interval; ; wave += interval) {
        const at = started + (wave * 1000 - nowMs);
        if (at - started >= windowS * 1000 - 4 * BUILDING.sleepTime * 1000) break;
        events.push({ at, p, wave });
      }
    }
    events.sort((a, b) => a.at - b.at);
    const latencies: number[][] = sides.map(() => []);
    const inserted: number[] = sides.map(() => 0);
    const arrivals: Promise<void>[] = [];
    const lost: unknown[] = [];
    const peakRss: number[] = sides.map(() => 0);
    const sampler = setInterval(() => {
      for (const [i, side] of sides.entries())
        void side.rssKb().then(
          (kb) => (peakRss[i] = Math.max(peakRss[i] ?? 0, kb.rss)),
          () => undefined,
        );
    }, 1000);
    try {
      for (const event of events) {
        await sleep(Math.max(0, event.at - performance.now()));
        const { wave } = event;
        await Promise.all(
          sides.map(async (side, i) => {
            inserted[i]! += await insertWave(connections[i]!, event.p, wave);
            const committed = performance.now();
            // Caught at once: a rejection left unhandled while the schedule sleeps would end the
            // process before the clean-up (userstat, users) could run.
            arrivals.push(
              waitArrived(side, event.p, wave, ARRIVAL_TIMEOUT_MS).then(
                () => void latencies[i]!.push(performance.now() - committed),
                (error: unknown) => void lost.push(error),
              ),
            );
          }),
        );
        log(`wave ${wave} of ${BUILDING.packages[event.p]!.monitory} committed to both buildings`);
      }
      await Promise.all(arrivals);
      if (lost.length > 0) throw lost[0];
      await sleep(Math.max(0, end - performance.now()));
    } finally {
      clearInterval(sampler);
    }
    const after = await Promise.all(sides.map(snapshot));
    const measuredS = (performance.now() - started) / 1000;
    await userstat.ensureStillOn();

    const measurements: SideMeasurement[] = [];
    for (const [i, side] of sides.entries()) {
      const b = before[i]!;
      const a = after[i]!;
      side.sync.kill('SIGTERM');
      const stopped = await side.sync.done;
      measurements.push({
        name: side.spec.name,
        product:
          side.spec.name === 'candidate' ? 'working tree (dist/)' : `${baseline.rev} (${baseline.commit.slice(0, 12)})`,
        windowS: measuredS,
        backfillS: backfillS[i] ?? NaN,
        rowsInserted: inserted[i] ?? 0,
        rowsPerHour: side.building.rowsPerHour,
        wavesPerHour: side.building.intervals.reduce((sum, interval) => sum + 3600 / interval, 0),
        counters: difference(a.counters, b.counters),
        cycles: a.cycles - b.cycles,
        work: {
          waves: a.work.waves - b.work.waves,
          rows: a.work.rows - b.work.rows,
          checked: a.work.checked - b.work.checked,
          differed: a.work.differed - b.work.differed,
          touched: a.work.touched - b.work.touched,
        },
        workerCpuS: a.cpu - b.cpu,
        rssEndKb: a.rss.rss,
        rssPeakWindowKb: Math.max(peakRss[i] ?? 0, a.rss.rss),
        hwmKb: a.rss.hwm,
        latenciesMs: latencies[i] ?? [],
        sigtermExit: stopped.code,
      });
    }
    return figuresOf(
      measurements,
      {
        mongo: mongo.description.replace(/ \(sqlite handler, .*\)$/, ' (sqlite handler)'),
        timeFactor: options.timeFactor,
        intervals: sides[0]!.building.intervals,
        changeColumn: options.changeColumn,
        candidateDefaults: options.candidateDefaults ?? {},
        baselineRev: options.baselineRev,
        minutes: options.minutes,
      },
      await loadExpectation(dirname(dirname(candidateCli)), options.changeColumn, candidateDefaults),
    );
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
    await Promise.all(sides.map((side) => side.close().catch(() => undefined)));
  }
}

async function snapshot(side: Side) {
  const cycles = side.cycles();
  const work = side.work();
  const [counters, cpu, rss] = await Promise.all([
    readCounters(side.user.user, side.building.database),
    side.cpuSeconds(),
    side.rssKb(),
  ]);
  return { counters, cycles, work, cpu, rss };
}

async function waitArrived(side: Side, p: number, wave: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (side.sync.child.exitCode !== null || side.sync.child.signalCode !== null)
      throw new Error(
        `${side.spec.name}: db-proxy sync exited (code ${String(side.sync.child.exitCode)}):\n${side.sync.stderr()}`,
      );
    if (await side.arrived(p, wave)) return;
    if (performance.now() > deadline)
      throw new Error(
        `${side.spec.name}: wave ${wave} not in MongoDB after ${timeoutMs / 1000} s; its log:\n${side.sync.stderr()}`,
      );
    await sleep(POLL_MS);
  }
}
