// `./demo` (`npm run demo` once the machine is set up): db-proxy end to end on this machine, in a
// throw-away systemd container.
// Seeds a demo building in MariaDB (300 points, two extraction packages, a day of data), installs
// db-proxy inside the container with install.sh, submits a request, waits for the documents, shows
// `db-proxy status`, the unit's `systemctl status` and the last rows through `db-proxy query`,
// then inserts a new wave and shows it arriving. Everything is removed at the end.
// Needs what the end-to-end tests need: root, systemd-nspawn, MariaDB on 127.0.0.1:3306, Go
// (the MongoDB-compatible server is built once) or MONGO_URL.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { installInContainer, type Installed } from '../test/e2e/support/installed.js';
import { startMongoServer, type MongoServer } from '../test/support/mongo-server.js';
import { createSourceDatabase, type SourceDatabase } from '../test/support/mysql.js';
import { seededRandom } from '../test/support/dataset.js';
import { waitFor } from '../test/support/wait.js';

const POINTS = 300;
const PACKAGES = [
  { name: 'Extraction_1_dev_a', interval: 300 },
  { name: 'Extraction_2_dev_a', interval: 900 },
];
const SHOWN_POINTS = ['AHU-1.SupplyTemp', 'AHU-1.ReturnTemp', 'Zone-101.CO2', 'Zone-101.Temp', 'Meter-1.kW'];

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (text: string): void => void process.stdout.write(`\n${bold(`== ${text}`)}\n`);
const show = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** Point ids of a building: AHUs, zones, meters; a few hundred of them. */
function pointIds(): string[] {
  const ids = [...SHOWN_POINTS];
  for (let zone = 101; ids.length < POINTS; zone++) {
    for (const sensor of ['Temp', 'SetPoint', 'CO2', 'Humidity', 'Occupancy']) ids.push(`Zone-${zone}.${sensor}`);
  }
  return [...new Set(ids)].slice(0, POINTS);
}

function value(point: string, wave: number, random: () => number): number | null {
  if (random() < 0.01) return null; // a sensor that did not answer
  const hour = (wave / 3600) % 24;
  const daily = Math.sin(((hour - 6) / 24) * 2 * Math.PI);
  const noise = (random() - 0.5) * 0.4;
  let v: number;
  if (point.endsWith('CO2')) v = 450 + 300 * Math.max(0, daily) + noise * 50;
  else if (point.endsWith('Humidity')) v = 40 + 5 * daily + noise * 5;
  else if (point.endsWith('Occupancy')) v = daily > 0.2 ? 1 : 0;
  else if (point.endsWith('kW')) v = 80 + 40 * Math.max(0, daily) + noise * 10;
  else if (point.endsWith('SupplyTemp')) v = 14 + noise;
  else v = 21.5 + 1.5 * daily + noise;
  return Math.round(v * 100) / 100;
}

async function seedWave(
  source: SourceDatabase,
  wave: number,
  packages: typeof PACKAGES,
  random: () => number,
): Promise<number> {
  await source.insertCycles(packages.map((p) => ({ wave, monitory: p.name, interval: p.interval })));
  const measures = pointIds().map((pointId) => ({ wave, pointId, value: value(pointId, wave, random) }));
  await source.insertMeasures(measures);
  return measures.length;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the demo boots systemd in a systemd-nspawn container: run it as root');
  const cleanups: (() => Promise<unknown>)[] = [];
  const building = `demo-TOR-BGO-${randomBytes(3).toString('hex')}`;
  try {
    step('MongoDB-compatible server');
    let mongoUrl = process.env.MONGO_URL ?? '';
    if (mongoUrl === '') {
      const server: MongoServer = await startMongoServer();
      cleanups.unshift(() => server.dispose());
      mongoUrl = server.url;
      show(`started ${server.kind} ${server.version} at ${server.url}`);
    } else show('using MONGO_URL');

    step(`seeding the demo building ${building} in MariaDB (127.0.0.1:3306)`);
    const source = await createSourceDatabase({ name: building });
    cleanups.unshift(() => source.drop());
    const random = seededRandom(42);
    const now = Math.floor(Date.now() / 1000);
    const first = now - 6 * 3600 - (now % 300);
    let rows = 0;
    for (let wave = first; wave <= now - 300; wave += 300) {
      // Both packages run every 15 minutes; the first one also in between.
      rows += await seedWave(source, wave, (wave - first) % 900 === 0 ? PACKAGES : [PACKAGES[0]!], random);
    }
    show(
      `${rows} measures of ${POINTS} points over 6 hours, packages ${PACKAGES.map((p) => `${p.name} (${p.interval} s)`).join(', ')}`,
    );

    step('booting a throw-away systemd container and running install.sh in it');
    const product: Installed = await installInContainer(mongoUrl, [building]);
    cleanups.unshift(() => product.dispose());
    show(`container ${product.container.name}: install.sh took ${(product.installMs / 1000).toFixed(1)} s`);

    step('db-proxy submit (requests/request.json filled in by the operator)');
    await product.container.writeFile(
      '/srv/operator/requests/request.json',
      `${JSON.stringify(
        {
          wave_counter_threshold: first,
          delete_old_value: 7,
          monitory_name_kept: PACKAGES.map((p) => p.name),
          measures: 'TL_measures',
          database: building,
          server: '127.0.0.1:3306',
          sleep_time: 2,
        },
        null,
        2,
      )}\n`,
    );
    const submitted = await product.cli(['submit']);
    show(submitted.stderr.trim());
    show(submitted.stdout);
    if (submitted.exitCode !== 0) throw new Error(`submit failed with exit code ${submitted.exitCode}`);
    const unit = await product.unitName(building);

    step('waiting for the documents in MongoDB');
    const mongo = await MongoClient.connect(mongoUrl);
    cleanups.unshift(() => mongo.close());
    const db = mongo.db(product.mongoDatabase);
    const collection = `${building};TL_measures;${PACKAGES[0]!.name};${PACKAGES[0]!.interval}`;
    const expected = Math.floor((now - 300 - first) / 300) + 1;
    await waitFor(
      `${expected} documents in ${collection}`,
      async () => (await db.collection(collection).countDocuments()) >= expected,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (name.startsWith(`${building};`)) show(`${name}: ${await db.collection(name).countDocuments()} documents`);
    }
    // One heartbeat at least, so status has something to say.
    await waitFor('the first heartbeat', () => db.collection('heartbeats').findOne({ _id: building as never }), {
      timeoutMs: 60_000,
    });

    step('db-proxy status');
    show((await product.cli(['status'])).stdout);
    step(`systemctl status ${unit}`);
    show((await product.container.systemctl('status', '--lines=5', unit)).stdout);
    step(`db-proxy query ${building} --monitory ${PACKAGES[0]!.name} --last 3 (5 of ${POINTS} points)`);
    const query = ['query', building, '--monitory', PACKAGES[0]!.name, '--points', SHOWN_POINTS.join(',')];
    show((await product.cli([...query, '--last', '3'])).stdout);

    step('a new extraction wave arrives in MySQL');
    const wave = now - (now % 300) + 300;
    await seedWave(source, wave, [PACKAGES[0]!], random);
    show(`inserted wave ${wave} (${new Date(wave * 1000).toISOString()}), ${POINTS} measures`);
    const started = Date.now();
    await waitFor('the new wave in MongoDB', () => db.collection(collection).findOne({ _id: wave as never }), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    show(`synced into MongoDB after ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    const latest = await product.cli([...query, '--last', '2']);
    show(latest.stdout);
    // The demo's point: the wave just inserted is in what the reader of MongoDB gets.
    if (latest.exitCode !== 0 || !new RegExp(`^${wave}\\s`, 'm').test(latest.stdout)) {
      throw new Error(`db-proxy query (exit ${latest.exitCode}) does not show the new wave ${wave}: ${latest.stderr}`);
    }
    step('done: removing the container, the demo databases and the server');
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => show(`clean-up: ${String(error)}`));
  }
  show('demo finished');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
