// MariaDB's own account of a sync's load: a dedicated MySQL user per measured product (SELECT on
// the two tables only), `userstat` switched on for the run, and USER_STATISTICS / TABLE_STATISTICS
// read before and after a window (differences, so other users' statistics are left alone).
// The user is dropped and userstat put back as found on every exit path.
import { randomBytes } from 'node:crypto';
import { defer } from './cleanup.ts';
import { MEASURES_TABLE, connectRoot } from './dataset.ts';

export interface MysqlUser {
  user: string;
  password: string;
  drop(): Promise<void>;
}

export async function createReadOnlyUser(database: string): Promise<MysqlUser> {
  const user = `dbp_bench_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const c = await connectRoot();
  const drop = defer(`drop MySQL user ${user}`, async () => {
    const d = await connectRoot();
    try {
      await d.query('DROP USER IF EXISTS ?@?', [user, '%']);
    } finally {
      await d.end();
    }
  });
  try {
    await c.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    for (const table of ['extraction_cycle', MEASURES_TABLE])
      await c.query(`GRANT SELECT ON \`${database}\`.\`${table}\` TO ?@?`, [user, '%']);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  } finally {
    await c.end();
  }
  return { user, password, drop };
}

/** Switches userstat on until the clean-up, which puts back the value found. */
export async function enableUserstat(): Promise<{ wasOn: boolean; ensureStillOn(): Promise<void> }> {
  const c = await connectRoot();
  let wasOn: boolean;
  try {
    const [[row]] = (await c.query('SELECT @@GLOBAL.userstat AS on_')) as unknown as [[{ on_: number }]];
    wasOn = Number(row?.on_) === 1;
    if (!wasOn) {
      defer('SET GLOBAL userstat back to 0', async () => {
        const d = await connectRoot();
        try {
          await d.query('SET GLOBAL userstat = 0');
        } finally {
          await d.end();
        }
      });
      await c.query('SET GLOBAL userstat = 1');
    }
  } finally {
    await c.end();
  }
  return {
    wasOn,
    // Another process switching it off during the window would make the differences meaningless.
    async ensureStillOn() {
      const d = await connectRoot();
      try {
        const [[row]] = (await d.query('SELECT @@GLOBAL.userstat AS on_')) as unknown as [[{ on_: number }]];
        if (Number(row?.on_) !== 1) throw new Error('userstat was switched off during the window: figures are void');
      } finally {
        await d.end();
      }
    },
  };
}

export interface Counters {
  rowsRead: number;
  rowsSent: number;
  bytesSent: number;
  selects: number;
  otherCommands: number;
  busyTimeS: number;
  cpuTimeS: number;
  /** TABLE_STATISTICS.ROWS_READ of the two source tables. */
  measuresRowsRead: number;
  cyclesRowsRead: number;
}

export async function readCounters(user: string, database: string): Promise<Counters> {
  const c = await connectRoot();
  try {
    const [users] = (await c.query(
      `SELECT ROWS_READ r, ROWS_SENT s, BYTES_SENT b, SELECT_COMMANDS q, OTHER_COMMANDS o, BUSY_TIME busy, CPU_TIME cpu
         FROM information_schema.USER_STATISTICS WHERE USER = ?`,
      [user],
    )) as unknown as [Record<string, number>[]];
    const [tables] = (await c.query(
      'SELECT TABLE_NAME t, ROWS_READ r FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = ?',
      [database],
    )) as unknown as [{ t: string; r: number }[]];
    const u = users[0] ?? {};
    const table = (name: string): number => Number(tables.find((row) => row.t === name)?.r ?? 0);
    return {
      rowsRead: Number(u.r ?? 0),
      rowsSent: Number(u.s ?? 0),
      bytesSent: Number(u.b ?? 0),
      selects: Number(u.q ?? 0),
      otherCommands: Number(u.o ?? 0),
      busyTimeS: Number(u.busy ?? 0),
      cpuTimeS: Number(u.cpu ?? 0),
      measuresRowsRead: table(MEASURES_TABLE),
      cyclesRowsRead: table('extraction_cycle'),
    };
  } finally {
    await c.end();
  }
}

export function difference(after: Counters, before: Counters): Counters {
  const out = {} as Counters;
  for (const key of Object.keys(after) as (keyof Counters)[]) out[key] = after[key] - before[key];
  return out;
}
