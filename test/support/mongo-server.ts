// Starts a throwaway MongoDB-compatible server for tests: `mongod` from the PATH if there is one,
// else FerretDB (built by scripts/ensure-ferretdb.sh), on 127.0.0.1 with a temporary data dir.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';

/** A running test server. */
export interface MongoServer {
  /** Connection string, e.g. `mongodb://127.0.0.1:40123/`. */
  readonly url: string;
  readonly port: number;
  readonly kind: 'ferretdb' | 'mongod';
  /** Server version as reported by `buildInfo`, e.g. `v1.24.2` for FerretDB, `8.0.4` for mongod. */
  readonly version: string;
  readonly dataDir: string;
  /** SIGTERM, wait for the exit, SIGKILL after 5 s. Does nothing when already stopped. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data dir (after `stop()`, or stops it first). */
  restart(): Promise<void>;
  /** Stops the server and removes its data dir. Idempotent. */
  dispose(): Promise<void>;
}

/** Options of {@link startMongoServer}. */
export interface MongoServerOptions {
  /** Port on 127.0.0.1; default: a free port chosen by the OS. */
  port?: number;
  /** Serve TLS only, with this certificate; `url` then carries tls=true and tlsCAFile. */
  tls?: {
    certFile: string;
    keyFile: string;
    caFile: string;
    /** Certificate and key in one file, the way mongod takes them. */
    pemFile: string;
  };
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 8_000;

// Every child still running when the test process exits is killed, whatever path led there.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

interface Launch {
  kind: MongoServer['kind'];
  command: string;
  args: (dataDir: string, port: number, tls?: MongoServerOptions['tls']) => string[];
}

export async function startMongoServer(options: MongoServerOptions = {}): Promise<MongoServer> {
  const launch = await chooseServer();
  const port = options.port ?? (await freePort());
  const dataDir = await mkdtemp(join(tmpdir(), `dbp-${launch.kind}-`));
  const url = options.tls
    ? `mongodb://localhost:${port}/?tls=true&tlsCAFile=${encodeURIComponent(options.tls.caFile)}`
    : `mongodb://127.0.0.1:${port}/`;
  let process_: ServerProcess | undefined;
  let disposed: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    // Readiness is "something answers ping on the port": that must not be another server.
    await assertPortFree(port);
    process_ = launchProcess(launch, dataDir, port, options.tls);
    await waitUntilReady(process_, url, launch);
  };
  const stop = async (): Promise<void> => {
    const current = process_;
    process_ = undefined;
    if (current) await stopProcess(current);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const version = await readVersion(url, launch.kind);

  return {
    url,
    port,
    kind: launch.kind,
    version,
    dataDir,
    stop,
    async restart() {
      if (disposed) throw new Error(`the ${launch.kind} server at ${url} was disposed; it cannot restart`);
      await stop();
      await start();
    },
    dispose() {
      disposed ??= stop().finally(() => rm(dataDir, { recursive: true, force: true }));
      return disposed;
    },
  };
}

async function chooseServer(): Promise<Launch> {
  const mongod = await findOnPath('mongod');
  if (mongod) {
    return {
      kind: 'mongod',
      command: mongod,
      args: (dataDir, port, tls) => [
        '--dbpath',
        dataDir,
        '--port',
        String(port),
        '--bind_ip',
        '127.0.0.1',
        ...(tls ? ['--tlsMode', 'requireTLS', '--tlsCertificateKeyFile', tls.pemFile] : []),
      ],
    };
  }
  return {
    kind: 'ferretdb',
    command: await ensureFerretdb(),
    args: (dataDir, port, tls) => [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      // With TLS, the plain listener is switched off: a client without TLS cannot get in.
      ...(tls
        ? [
            '--listen-addr=',
            `--listen-tls=127.0.0.1:${port}`,
            `--listen-tls-cert-file=${tls.certFile}`,
            `--listen-tls-key-file=${tls.keyFile}`,
          ]
        : [`--listen-addr=127.0.0.1:${port}`]),
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
  };
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return undefined;
}

async function ensureFerretdb(): Promise<string> {
  const script = join(projectRoot, 'scripts', 'ensure-ferretdb.sh');
  // The script may need Go, which lives outside the default PATH on these machines.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}${delimiter}/usr/local/go/bin` };
  try {
    const { stdout } = await promisify(execFile)('bash', [script], { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/ensure-ferretdb.sh failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/** Asks the OS for a free port on 127.0.0.1; the port is released before the server takes it. */
export async function freePort(): Promise<number> {
  return bindAndRelease(0);
}

async function assertPortFree(port: number): Promise<void> {
  try {
    await bindAndRelease(port);
  } catch (error) {
    throw new Error(`cannot start a test server on 127.0.0.1:${port}: the port is already in use`, { cause: error });
  }
}

async function bindAndRelease(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read the port of a test socket');
  return address.port;
}

interface ServerProcess {
  child: ChildProcess;
  /** The last lines the server wrote, for error messages. */
  output: () => string;
  /** Settles when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: () => boolean;
}

function launchProcess(launch: Launch, dataDir: string, port: number, tls?: MongoServerOptions['tls']): ServerProcess {
  const child = spawn(launch.command, launch.args(dataDir, port, tls), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let tail = '';
  let done = false;
  // Both streams are drained (a full pipe would block the server) and only the tail is kept.
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      keep(Buffer.from(`\n${error.message}\n`));
      done = true;
      running.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, output: () => tail.trim(), exited, hasExited: () => done };
}

async function waitUntilReady(server: ServerProcess, url: string, launch: Launch): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new Error(
        `${launch.kind} (${launch.command}) exited before accepting connections at ${url} ` +
          `(exit code ${String(code)}, signal ${String(signal)}); its output:\n${server.output()}`,
      );
    }
    try {
      await ping(url);
      // A server that failed to bind may still be alive for a moment; only a live one counts.
      if (!server.hasExited()) return;
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  await stopProcess(server);
  throw new Error(
    `${launch.kind} did not answer ping at ${url} within ${READY_TIMEOUT_MS / 1000} s ` +
      `(last error: ${lastError instanceof Error ? lastError.message : String(lastError)}); its output:\n${server.output()}`,
    { cause: lastError },
  );
}

async function ping(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

async function readVersion(url: string, kind: MongoServer['kind']): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    // FerretDB reports the MongoDB version it imitates in `version` and its own in `ferretdbVersion`.
    const version: unknown = kind === 'ferretdb' ? (info.ferretdbVersion ?? info.version) : info.version;
    return typeof version === 'string' ? version : 'unknown';
  } finally {
    await client.close();
  }
}

async function stopProcess(server: ServerProcess): Promise<void> {
  if (server.hasExited()) return;
  server.child.kill('SIGTERM');
  const escalate = setTimeout(() => server.child.kill('SIGKILL'), STOP_GRACE_MS);
  await server.exited;
  clearTimeout(escalate);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
