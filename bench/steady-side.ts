// One measured product of the steady benchmark: its own building (database), its own read-only
// MySQL user, configuration and MongoDB database, and its looping `db-proxy sync` child process;
// plus the probes the window needs (wave arrival, the cycles it logged, its CPU and RSS).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { BUILDING, seedBuilding, type Building } from './building.ts';
import { startChild, type RunningChild } from './child.ts';
import { defer } from './cleanup.ts';
import { MEASURES_TABLE, MYSQL } from './dataset.ts';
import { dropMongoDatabase, PRODUCT_ENV, PRODUCT_NODE_FLAGS } from './product.ts';
import { createReadOnlyUser, type MysqlUser } from './userstat.ts';

/** db-proxy's checkpoint collection (src/sync/naming.ts): one document per pivot collection. */
const CHECKPOINTS = 'db_proxy_checkpoints';
const CLOCK_TICKS_PER_S = 100;
/**
 * One line per cycle at log_level debug ("cycle synced" / "cycle idle", src/sync/loop.ts): the
 * cycle counter. `sync` writes no heartbeat, whose counter the worker keeps. Switch it here if the
 * loop's wording changes.
 */
export const CYCLE_LOG_LINE = /\bcycle (?:idle|synced)\b/g;

/** What the cycle lines say the sync did, summed: where the rows read on the server come from. */
export interface CycleWork {
  waves: number;
  rows: number;
  checked: number;
  differed: number;
  touched: number;
}

const WORK_FIELDS = ['waves', 'rows', 'checked', 'differed', 'touched'] as const;
/** `field=12` (logfmt) or `"field":12` (JSON), compiled once: every cycle line is parsed. */
const WORK_PATTERNS = WORK_FIELDS.map((field) => [field, new RegExp(`\\b${field}"?[=:]"?(\\d+)`)] as const);

export interface SideSpec {
  name: 'candidate' | 'baseline';
  /** dist/cli/main.js of the build measured. */
  cli: string;
  /** Merged into its defaults.json (e.g. the change column, for the candidate only). */
  defaults: Record<string, unknown>;
}

export interface Side {
  spec: SideSpec;
  building: Building;
  user: MysqlUser;
  mongoDatabase: string;
  collections: string[];
  sync: RunningChild;
  /** performance.now() when the sync process started. */
  startedAt: number;
  /** Cycles the sync logged so far. */
  cycles(): number;
  /** Sums of the cycle lines' counters so far (waves read, measure rows read, waves checked, …). */
  work(): CycleWork;
  /** Whether MongoDB has the wave (by _id, or through the checkpoint on FerretDB). */
  arrived(p: number, wave: number): Promise<boolean>;
  cpuSeconds(): Promise<number>;
  rssKb(): Promise<{ rss: number; hwm: number }>;
  close(): Promise<void>;
}

export async function startSide(
  spec: SideSpec,
  mongoUrl: string,
  timeFactor: number,
  now: number,
  probe: 'findOne' | 'checkpoint',
): Promise<Side> {
  const building = await seedBuilding(timeFactor, now);
  const user = await createReadOnlyUser(building.database);
  const mongoDatabase = `dbp_bench_${randomBytes(5).toString('hex')}`;
  defer(`drop Mongo database ${mongoDatabase}`, () => dropMongoDatabase(mongoUrl, mongoDatabase));
  const configDir = await mkdtemp(join(tmpdir(), `dbp-bench-${spec.name}-`));
  defer(`remove the ${spec.name} config dir`, () => rm(configDir, { recursive: true, force: true }));
  await writeFile(
    join(configDir, 'credentials.env'),
    `MONGO_URL=${mongoUrl}\nMYSQL_USER=${user.user}\nMYSQL_PASSWORD=${user.password}\n`,
    { mode: 0o600 },
  );
  await writeFile(
    join(configDir, 'defaults.json'),
    // log_level is no sync setting: it makes the loop log every cycle, which is how they are counted.
    `${JSON.stringify({ ...spec.defaults, log_level: 'debug', mongo_database: mongoDatabase }, null, 2)}\n`,
  );
  const requestFile = join(configDir, 'request.json');
  const request = {
    wave_counter_threshold: 0,
    delete_old_value: BUILDING.retentionDays,
    monitory_name_kept: BUILDING.packages.map((p) => p.monitory),
    measures: MEASURES_TABLE,
    database: building.database,
    server: `${MYSQL.host}:${MYSQL.port}`,
    sleep_time: BUILDING.sleepTime,
  };
  await writeFile(requestFile, `${JSON.stringify(request, null, 2)}\n`);
  // Both sides run with the worker unit's node flags and environment.
  const sync = startChild(
    process.execPath,
    [...PRODUCT_NODE_FLAGS, spec.cli, '--config-dir', configDir, 'sync', requestFile],
    { env: { ...process.env, ...PRODUCT_ENV } },
  );
  let cycles = 0;
  const work: CycleWork = { waves: 0, rows: 0, checked: 0, differed: 0, touched: 0 };
  for (const stream of [sync.child.stdout, sync.child.stderr]) {
    let carry = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (carry + chunk.toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const found = line.match(CYCLE_LOG_LINE)?.length ?? 0;
        cycles += found;
        if (found === 0) continue;
        for (const [field, pattern] of WORK_PATTERNS) work[field] += Number(pattern.exec(line)?.[1] ?? 0);
      }
    });
  }
  const client = new MongoClient(mongoUrl);
  await client.connect();
  const db: Db = client.db(mongoDatabase);
  const collections = BUILDING.packages.map(
    (p) => `${building.database};${MEASURES_TABLE};${p.monitory};${p.interval}`,
  );
  return {
    spec,
    building,
    user,
    mongoDatabase,
    collections,
    sync,
    startedAt: sync.started,
    cycles: () => cycles,
    work: () => ({ ...work }),
    async arrived(p, wave) {
      const name = collections[p] ?? '';
      if (probe === 'findOne')
        return (await db.collection<{ _id: number }>(name).findOne({ _id: wave }, { projection: { _id: 1 } })) !== null;
      const state = await db
        .collection<{ _id: string; checkpoint?: number | null }>(CHECKPOINTS)
        .findOne({ _id: name }, { projection: { checkpoint: 1 } });
      return typeof state?.checkpoint === 'number' && state.checkpoint >= wave;
    },
    async cpuSeconds() {
      // utime and stime, fields 14 and 15 of /proc/PID/stat (after the command's parentheses).
      const stat = await readFile(`/proc/${sync.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
    },
    async rssKb() {
      const status = await readFile(`/proc/${sync.pid}/status`, 'utf8');
      const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
      return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
    },
    close: () => client.close(),
  };
}
