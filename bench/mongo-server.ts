// The MongoDB-compatible server of the benchmark: MONGO_URL when set, else a throwaway FerretDB
// (sqlite handler) on a free port with a temporary data dir, stopped by PID and removed afterwards.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { startChild } from './child.ts';
import { defer } from './cleanup.ts';

export interface MongoTarget {
  url: string;
  /** e.g. "FerretDB v1.24.2 (sqlite)" or "MongoDB 8.0.4 (MONGO_URL)". */
  description: string;
}

const READY_TIMEOUT_MS = 30_000;

export async function provideMongo(projectRoot: string): Promise<MongoTarget> {
  const fromEnv = process.env.MONGO_URL;
  if (fromEnv) {
    const version = await serverVersion(fromEnv);
    return { url: fromEnv, description: `${version} (MONGO_URL)` };
  }
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}${delimiter}/usr/local/go/bin` };
  const { stdout } = await promisify(execFile)('bash', [join(projectRoot, 'scripts', 'ensure-ferretdb.sh')], { env });
  const binary = stdout.trim();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'dbp-bench-ferretdb-'));
  defer('remove the FerretDB data dir', () => rm(dir, { recursive: true, force: true }));
  const server = startChild(binary, [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ]);
  // startChild registers its own stop (SIGTERM, SIGKILL after 5 s); it was registered after the
  // data dir's removal, so it runs first.
  const url = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (server.child.exitCode !== null)
      throw new Error(`FerretDB exited early (code ${server.child.exitCode}): ${server.stderr()}`);
    try {
      const version = await serverVersion(url, 1_000);
      return { url, description: `${version} (sqlite handler, ${dir})` };
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`FerretDB did not answer at ${url}: ${String(error)}\n${server.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function serverVersion(url: string, timeoutMs = 10_000): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    if (typeof info.ferretdbVersion === 'string') return `FerretDB ${info.ferretdbVersion}`;
    return `MongoDB ${String(info.version)}`;
  } finally {
    await client.close();
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read the port of a socket');
  return address.port;
}
