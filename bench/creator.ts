// Benchmark of the creator under a real systemd (not part of the tests): `npm run bench:creator`.
// Installs db-proxy with install.sh in a throw-away systemd container (as the end-to-end tests do)
// and holds what an operator waits for against its targets, each beside its floor measured in the
// same container — what systemd itself takes to start the same workers, without the creator:
//   1. submit → verdict `started` with the unit active (READY), one project after another;
//   2. a valid submit right after each kind of refused request (FIFO, symlink, oversized file,
//      missing measures table, restart on a port where nothing listens);
//   3. 50 requests dropped at once → 50 units active, and the creator's peak memory (VmHWM).
// Exit code 0 when every target passes, 3 when one is missed, 1 when the run itself failed.
// Run with tsx: it reuses the end-to-end tests' container support (test/e2e/support).
import { installInContainer, type Installed } from '../test/e2e/support/installed.js';
import { startMongoServer } from '../test/support/mongo-server.js';
import { createSourceDatabase, type SourceDatabase } from '../test/support/mysql.js';
import { creatorTargets, median, renderCreatorReport, type CreatorFigures } from './creator-report.ts';

const LATENCY_PROJECTS = 5;
const LOAD_PROJECTS = 50;
const STATE = '/var/lib/db-proxy';
const CONFIG = '/etc/db-proxy';
const WORK = '/srv/operator';

const log = (message: string): void => {
  process.stderr.write(`[bench:creator ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

function requestFor(database: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    wave_counter_threshold: Math.floor(Date.now() / 1000) - 86_400,
    delete_old_value: 1,
    monitory_name_kept: ['Extraction_1'],
    measures: 'TL_measures',
    database,
    server: '127.0.0.1:3306',
    sleep_time: 5,
    ...overrides,
  };
}

/** Milliseconds a shell script takes inside the container, timed there (no exec overhead). */
async function timedInside(product: Installed, script: string): Promise<{ ms: number; out: string }> {
  const result = await product.container.shell(
    `s=$(date +%s%N); { ${script}; } > /tmp/bench-out 2>&1; rc=$?; e=$(date +%s%N); echo $(( (e - s) / 1000000 )) $rc`,
    { timeoutMs: 5 * 60_000 },
  );
  const [ms, rc] = result.stdout.trim().split(' ').map(Number);
  const out = (await product.container.exec(['cat', '/tmp/bench-out'])).stdout;
  if (rc !== 0 || ms === undefined) throw new Error(`${script} failed (exit ${rc}):\n${out}${result.stderr}`);
  return { ms, out };
}

/** `db-proxy submit` of the operator's request.json; the time it took and the verdict's outcome. */
async function submit(product: Installed, request: object): Promise<{ ms: number; outcome: string }> {
  await product.container.writeFile(`${WORK}/requests/request.json`, `${JSON.stringify(request, null, 2)}\n`);
  const { ms, out } = await timedInside(
    product,
    `cd ${WORK} && db-proxy submit --json --timeout 60 2>/dev/null; cat /dev/null`,
  );
  let outcome: string;
  try {
    outcome = String((JSON.parse(out) as { outcome?: unknown }).outcome);
  } catch {
    outcome = `no verdict: ${out.trim()}`;
  }
  return { ms, outcome };
}

async function expectAccepted(product: Installed, request: object, what: string): Promise<number> {
  const { ms, outcome } = await submit(product, request);
  if (outcome !== 'started' && outcome !== 'restarted')
    throw new Error(`${what}: expected an accepted verdict, got ${outcome}`);
  return ms;
}

async function latencyPhase(product: Installed, sources: SourceDatabase[]): Promise<CreatorFigures['submit']> {
  const submits: number[] = [];
  for (const source of sources) submits.push(await expectAccepted(product, requestFor(source.name), source.name));
  log(`submit → active: ${submits.join(', ')} ms`);
  // Floor: systemd starting the same Type=notify unit until READY, with nothing else in between.
  const starts: number[] = [];
  for (const source of sources) {
    const unit = await product.unitName(source.name);
    await product.container.systemctl('stop', unit);
    starts.push((await timedInside(product, `systemctl start ${unit}`)).ms);
  }
  log(`systemctl start → active: ${starts.join(', ')} ms`);
  return { samples_ms: submits, median_ms: median(submits), floor_samples_ms: starts, floor_median_ms: median(starts) };
}

async function refusalPhase(product: Installed, source: SourceDatabase): Promise<CreatorFigures['after_refusal']> {
  const c = product.container;
  // Port 1 is allowed, so that a request can name a server where nothing listens.
  await c.writeFile(
    `${CONFIG}/defaults.json`,
    `${JSON.stringify({ mongo_database: product.mongoDatabase, allowed_servers: ['127.0.0.1:3306', '127.0.0.1:1'] })}\n`,
    '0640',
  );
  await c.exec(['chown', 'root:db-proxy-operators', `${CONFIG}/defaults.json`]);
  await expectAccepted(product, requestFor(source.name, { sleep_time: 2 }), 'the project of the refusals');
  const refusals: { kind: string; refuse: () => Promise<void> }[] = [
    { kind: 'FIFO', refuse: () => dropped(product, 'mkfifo fifo.json', 'fifo') },
    { kind: 'symlink', refuse: () => dropped(product, 'ln -s /etc/shadow link.json', 'link') },
    {
      kind: 'oversized',
      refuse: () => dropped(product, 'truncate -s 200000000 .big.tmp && mv .big.tmp big.json', 'big'),
    },
    {
      kind: 'missing measures table',
      refuse: () => refusedSubmit(product, requestFor(source.name, { measures: 'TL_measurez' })),
    },
    {
      kind: 'breaking restart',
      refuse: () => refusedSubmit(product, requestFor(source.name, { server: '127.0.0.1:1' })),
    },
  ];
  const runs: CreatorFigures['after_refusal']['runs'] = [];
  let sleepTime = 3;
  for (const { kind, refuse } of refusals) {
    await refuse();
    // A change each time (another sleep_time), so that every accepted submit restarts the worker.
    const ms = await expectAccepted(product, requestFor(source.name, { sleep_time: sleepTime++ }), `after the ${kind}`);
    runs.push({ kind, ms });
    log(`valid submit after a refused ${kind}: ${ms} ms`);
  }
  // Floor: systemd restarting the same worker (stop, start, READY), with nothing else in between.
  const unit = await product.unitName(source.name);
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) restarts.push((await timedInside(product, `systemctl restart ${unit}`)).ms);
  log(`systemctl restart → active: ${restarts.join(', ')} ms`);
  return { runs, floor_samples_ms: restarts, floor_median_ms: median(restarts) };
}

/** Creates a file in the drop folder with a shell command and waits for its verdict in failed/. */
async function dropped(product: Installed, script: string, id: string): Promise<void> {
  const made = await product.container.shell(`cd ${STATE}/requests && ${script}`);
  if (made.exitCode !== 0) throw new Error(`${script}: ${made.stderr}`);
  const { dir } = await product.verdict(id, 60_000);
  if (dir !== 'failed') throw new Error(`the ${id} request was not refused`);
}

async function refusedSubmit(product: Installed, request: object): Promise<void> {
  const { outcome } = await submit(product, request);
  if (outcome !== 'rejected' && outcome !== 'failed') throw new Error(`expected a refusal, got ${outcome}`);
}

async function loadPhase(product: Installed, sources: SourceDatabase[]): Promise<CreatorFigures['load']> {
  const c = product.container;
  const staging = `${STATE}/.bench-staging`;
  for (const source of sources) {
    await c.writeFile(`${staging}/${source.name}.json`, JSON.stringify(requestFor(source.name)), '0640');
  }
  const units = await Promise.all(sources.map((s) => product.unitName(s.name)));
  const activeCount = `systemctl list-units --state=active --plain --no-legend ${units.join(' ')} | grep -c '\\.service' || true`;
  // Moved in with one command ("dropped at once"); timed until every unit is active.
  const { ms } = await timedInside(
    product,
    `mv ${staging}/*.json ${STATE}/requests/ && rmdir ${staging} && ` +
      `until [ "$(${activeCount})" -eq ${sources.length} ]; do sleep 0.2; done`,
  );
  log(`${sources.length} requests at once → all active in ${ms} ms`);
  const creatorPid = (await product.show('db-proxy-creator.service', 'MainPID')).MainPID!;
  const hwmKb = Number((await c.exec(['awk', '/^VmHWM/ {print $2}', `/proc/${creatorPid}/status`])).stdout.trim());
  await c.systemctl('stop', ...units);
  const floor = await timedInside(product, `systemctl start ${units.join(' ')}`);
  log(`systemctl start of the ${sources.length} units → all active in ${floor.ms} ms`);
  return {
    projects: sources.length,
    all_active_ms: ms,
    floor_ms: floor.ms,
    creator_vmhwm_mb: Math.round(hwmKb / 102.4) / 10,
  };
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0)
    throw new Error('the benchmark boots systemd in a systemd-nspawn container: run it as root');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let mongoUrl = process.env.MONGO_URL ?? '';
    if (mongoUrl === '') {
      const server = await startMongoServer();
      cleanups.unshift(() => server.dispose());
      mongoUrl = server.url;
    }
    const suffix = Math.random().toString(16).slice(2, 8);
    const wave = Math.floor(Date.now() / 1000) - 900;
    const make = async (name: string): Promise<SourceDatabase> => {
      const source = await createSourceDatabase({ name });
      cleanups.unshift(() => source.drop());
      await source.insertCycles([{ wave, monitory: 'Extraction_1', interval: 900 }]);
      await source.insertMeasures(['a', 'b', 'c'].map((pointId, i) => ({ wave, pointId, value: i })));
      return source;
    };
    const latency: SourceDatabase[] = [];
    for (let i = 0; i < LATENCY_PROJECTS; i++) latency.push(await make(`dbp_bc_${suffix}_lat${i}`));
    const refusal = await make(`dbp_bc_${suffix}_ref`);
    await refusal.connection.query(
      'CREATE TABLE hs_measures (wave_counter BIGINT, point_id VARCHAR(64), point_value DOUBLE)',
    );
    const load: SourceDatabase[] = [];
    for (let i = 0; i < LOAD_PROJECTS; i++) load.push(await make(`dbp_bc_${suffix}_load${String(i).padStart(2, '0')}`));
    log('booting a systemd container and running install.sh in it');
    const product = await installInContainer(
      mongoUrl,
      [...latency, refusal, ...load].map((s) => s.name),
    );
    cleanups.unshift(() => product.dispose());

    const figures: CreatorFigures = {
      submit: await latencyPhase(product, latency),
      after_refusal: await refusalPhase(product, refusal),
      load: await loadPhase(product, load),
      load_average_at_end: (await import('node:os')).loadavg()[0] ?? 0,
    };
    const targets = creatorTargets(figures);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ...figures, targets }, null, 2)}\n`);
    else process.stdout.write(renderCreatorReport(figures, targets));
    return targets.every((t) => t.pass) ? 0 : 3;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`clean-up: ${String(error)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
