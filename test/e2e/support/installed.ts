// db-proxy installed by install.sh inside a throw-away systemd container, with the host's MariaDB
// (a dedicated MySQL user with a password, so secrets can be looked for) and MongoDB-compatible
// server as its databases. Helpers to submit, drop requests and read verdicts as an operator would.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseShowBlock } from '../../../src/systemd/systemctl.js';
import { generateDataset } from '../../support/dataset.js';
import { connectMysqlRoot, createSourceDatabase, type SourceDatabase } from '../../support/mysql.js';
import { bootContainer, type Container, type ExecResult } from './systemd-container.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
/**
 * The checkout as the container sees it: a copy, as an operator's checkout on the host would be.
 * The host's checkout is bound read-only first, because systemd-nspawn gives the container its own
 * /tmp (where a CI clone may live), and so that install.sh's build never writes into it.
 */
export const SRC = '/opt/db-proxy-src';
const CHECKOUT_BIND = '/mnt/db-proxy-checkout';
export const STATE = '/var/lib/db-proxy';
export const CONFIG = '/etc/db-proxy';
/** Where the operator edits requests inside the container. */
export const WORK = '/srv/operator';

export interface Installed {
  container: Container;
  mongoDatabase: string;
  mysqlUser: string;
  mysqlPassword: string;
  installMs: number;
  /** `db-proxy …` inside the container, as root, from WORK. */
  cli(args: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Writes the operator's requests/request.json and runs `db-proxy submit --json`; the verdict and timing. */
  submit(request: object): Promise<{ result: ExecResult; verdict: Record<string, unknown> | undefined; ms: number }>;
  /** Drops a file straight into the drop folder (temp + rename), as a script of an operator could. */
  drop(name: string, text: string): Promise<void>;
  /** The verdict of a request id, once written (processed/ or failed/). */
  verdict(id: string, timeoutMs?: number): Promise<{ dir: 'processed' | 'failed'; verdict: Record<string, unknown> }>;
  unitName(database: string): Promise<string>;
  show(unit: string, ...properties: string[]): Promise<Record<string, string>>;
  /** Restarts the monitor and waits for the status snapshot of its first check. */
  freshStatusSnapshot(): Promise<void>;
  dispose(): Promise<void>;
}

export async function installInContainer(mongoUrl: string, databases: string[]): Promise<Installed> {
  const suffix = randomBytes(4).toString('hex');
  const mysqlUser = `dbp_e2e_${suffix}`;
  const mysqlPassword = `e2e-Secret-${randomBytes(8).toString('hex')}`;
  const mongoDatabase = `dbp_e2e_${suffix}`;
  const root = await connectMysqlRoot();
  try {
    await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [mysqlUser, mysqlPassword]);
    await root.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [mysqlUser, mysqlPassword]);
    for (const database of databases) await grantRead(database, mysqlUser);
  } finally {
    await root.end();
  }

  let container: Container | undefined;
  try {
    container = await bootContainer({
      bootTimeoutMs: 60_000,
      binds: [{ host: REPO, container: CHECKOUT_BIND, readOnly: true }],
    });
    const copied = await container.shell(`cp -a ${CHECKOUT_BIND} ${SRC}`, { timeoutMs: 120_000 });
    if (copied.exitCode !== 0) throw new Error(`copying the checkout into the container failed: ${copied.stderr}`);
    // The secrets as an install from before their split per reader kept them, in one file:
    // install.sh moves MONGO_URL to mongo.env and the MySQL login to credentials.d/default.env.
    await container.shell(`install -d -m 0700 ${CONFIG}`);
    await container.writeFile(
      `${CONFIG}/credentials.env`,
      `MONGO_URL=${mongoUrl}\nMYSQL_USER=${mysqlUser}\nMYSQL_PASSWORD=${mysqlPassword}\n`,
      '0600',
    );
    const started = Date.now();
    const install = await container.exec([`${SRC}/install.sh`], { timeoutMs: 5 * 60_000 });
    const installMs = Date.now() - started;
    if (install.exitCode !== 0) {
      throw new Error(`install.sh failed (${install.exitCode}):\n${install.stdout}\n${install.stderr}`);
    }
    const c = container;
    await c.writeFile(
      `${CONFIG}/defaults.json`,
      `${JSON.stringify({ mongo_database: mongoDatabase, log_level: 'info', allowed_servers: ['127.0.0.1', '127.0.0.1:3306'] }, null, 2)}\n`,
      '0640',
    );
    // The operators' group's, as install.sh leaves it: no secret, read by operators and (as members) the units.
    await c.exec(['chown', 'root:db-proxy-operators', `${CONFIG}/defaults.json`]);
    await c.shell(`mkdir -p ${WORK}/requests && cp ${SRC}/requests/*.json ${WORK}/requests/`);

    const cli = (args: string[], options: { timeoutMs?: number } = {}): Promise<ExecResult> =>
      c.exec(['bash', '-c', 'cd "$1" && shift && exec db-proxy "$@"', 'cli', WORK, ...args], {
        timeoutMs: options.timeoutMs ?? 90_000,
      });

    const verdict = async (
      id: string,
      timeoutMs = 60_000,
    ): Promise<{ dir: 'processed' | 'failed'; verdict: Record<string, unknown> }> =>
      c.waitFor(
        async () => {
          for (const dir of ['processed', 'failed'] as const) {
            const read = await c.exec(['cat', `${STATE}/${dir}/${id}.verdict.json`]);
            if (read.exitCode === 0) return { dir, verdict: JSON.parse(read.stdout) as Record<string, unknown> };
          }
          return undefined;
        },
        timeoutMs,
        `the verdict of ${id}`,
      );

    return {
      container: c,
      mongoDatabase,
      mysqlUser,
      mysqlPassword,
      installMs,
      cli,
      async submit(request) {
        await c.writeFile(`${WORK}/requests/request.json`, `${JSON.stringify(request, null, 2)}\n`);
        const startedAt = Date.now();
        const result = await cli(['submit', '--json']);
        const ms = Date.now() - startedAt;
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(result.stdout) as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
        return { result, verdict: parsed, ms };
      },
      async drop(name, text) {
        await c.writeFile(`${STATE}/requests/.${name}.tmp`, text, '0640');
        const moved = await c.exec(['mv', `${STATE}/requests/.${name}.tmp`, `${STATE}/requests/${name}`]);
        if (moved.exitCode !== 0) throw new Error(`dropping ${name}: ${moved.stderr}`);
      },
      verdict,
      async unitName(database) {
        return (await c.exec(['systemd-escape', '--template=db-proxy@.service', database])).stdout.trim();
      },
      async show(unit, ...properties) {
        const out = await c.systemctl('show', unit, ...properties.map((p) => `--property=${p}`));
        return parseShowBlock(out.stdout);
      },
      async freshStatusSnapshot() {
        // Each snapshot is a new file renamed into place: a new inode.
        const inode = async () => (await c.exec(['stat', '-c', '%i', `${STATE}/status/status.json`])).stdout.trim();
        const before = await inode();
        await c.systemctl('restart', 'db-proxy-monitor.service');
        await c.waitFor(
          async () => {
            const now = await inode();
            return (now !== '' && now !== before) || undefined;
          },
          60_000,
          "the monitor's status snapshot",
        );
      },
      async dispose() {
        await c.dispose();
        await dropMysqlUser(mysqlUser);
      },
    };
  } catch (error) {
    await container?.dispose().catch(() => undefined);
    await dropMysqlUser(mysqlUser);
    throw error;
  }
}

/** A source database on the host's MariaDB: 4 waves of 3 points of Extraction_1_dev_a in the hour before `now`. */
export async function seedSourceDatabase(name: string, now: number): Promise<SourceDatabase> {
  const source = await createSourceDatabase({ name });
  const data = generateDataset({
    now,
    waves: 4,
    points: 3,
    spanSeconds: 3600,
    monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
  });
  await source.insertCycles(data.cycles);
  await source.insertMeasures(data.measures);
  return source;
}

export async function grantRead(database: string, user: string): Promise<void> {
  const root = await connectMysqlRoot();
  try {
    for (const host of ['%', 'localhost']) {
      await root.query(`GRANT SELECT ON \`${database}\`.* TO ?@?`, [user, host]);
    }
  } finally {
    await root.end();
  }
}

async function dropMysqlUser(user: string): Promise<void> {
  const root = await connectMysqlRoot().catch(() => undefined);
  if (!root) return;
  try {
    for (const host of ['%', 'localhost']) await root.query(`DROP USER IF EXISTS ?@?`, [user, host]);
  } finally {
    await root.end();
  }
}
