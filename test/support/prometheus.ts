// Debian's Prometheus for the tests (`prometheus`, `promtool`): found on the PATH or in /usr/bin,
// else a clear failure naming the package, never a silent skip; and a throw-away Prometheus server
// (temp config and storage, a free loopback port) stopped by PID on every path.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './mongo-server.js';
import { waitFor } from './wait.js';

export const PROMETHEUS_PACKAGE_HINT =
  "Debian's prometheus package (apt-get install -y prometheus; ./test installs it)";

/** The path of `name` (prometheus, promtool); throws naming the package when it is missing. */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not installed: these tests need ${PROMETHEUS_PACKAGE_HINT}`);
}

export interface PrometheusServer {
  url: string;
  pid: number;
  /** An instant query through /api/v1/query: each series' labels and value. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** GET of an API path (e.g. /api/v1/rules): its `data`. */
  api(path: string): Promise<unknown>;
  output(): string;
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts Prometheus with `config` (YAML text) and waits until it is ready. */
export async function startPrometheus(config: string): Promise<PrometheusServer> {
  const binary = prometheusBinary('prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'dbp-prometheus-'));
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let disposed: Promise<void> | undefined;
  const dispose = (): Promise<void> =>
    (disposed ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const escalate = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(escalate);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    })());
  const api = async (path: string): Promise<unknown> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  try {
    await waitFor(
      'Prometheus to be ready',
      async () => {
        const response = await fetch(`${url}/-/ready`).catch(() => undefined);
        return response?.ok;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        giveUp: () => (child.exitCode === null ? undefined : `prometheus exited with ${child.exitCode}:\n${output}`),
      },
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    api,
    async query(expr) {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
        result: { metric: Record<string, string>; value: [number, string] }[];
      };
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    output: () => output,
    dispose,
  };
}
