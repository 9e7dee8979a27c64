// A real Kubernetes control plane for tests: kine (etcd's API over SQLite) and kube-apiserver on
// free loopback ports, static tokens, certificates and service-account keys in a temp dir, and on
// request kube-controller-manager (Deployments → ReplicaSets → Pods). No kubelet: nothing runs the
// pods. Every process is stopped by its PID on every path (SIGTERM, wait, SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export const KUBE_VERSION = 'v1.34.2';
export const KINE_VERSION = 'v0.17.5';
const CACHE = process.env.DB_PROXY_TEST_CACHE ?? join(homedir(), '.cache', 'db-proxy-test');
export const KUBE_BIN_DIR = join(CACHE, 'bin');

export const ADMIN_TOKEN = 'admin-token-for-tests';
/** A user that has nothing but what the test binds to it (the creator's Role). */
export const CREATOR_USER = 'db-proxy-creator';
export const CREATOR_TOKEN = 'creator-token-for-tests';

export function kubeBinaries(): { apiserver: string; controllerManager: string; kine: string } {
  const paths = {
    apiserver: join(KUBE_BIN_DIR, `kube-apiserver-${KUBE_VERSION}`),
    controllerManager: join(KUBE_BIN_DIR, `kube-controller-manager-${KUBE_VERSION}`),
    kine: join(KUBE_BIN_DIR, `kine-${KINE_VERSION}`),
  };
  const missing = Object.values(paths).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    // A test that needs the control plane fails without it, never passes: CI builds them first.
    throw new Error(
      `the Kubernetes test binaries are missing (${missing.join(', ')}); build them with scripts/ensure-kube.sh`,
    );
  }
  return paths;
}

export interface KubeCluster {
  server: string;
  dir: string;
  /** A kubeconfig file for the admin (system:masters), the creator's user, and each extra user. */
  kubeconfig: { admin: string; creator: string; users: Record<string, string> };
  /** Starts kube-controller-manager (deployment and replicaset controllers). */
  startControllers(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Running {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  exitCode: () => number | null | undefined;
}

function start(name: string, binary: string, args: string[], logFile: string): Running {
  const log = createWriteStream(logFile);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let code: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (exit, signal) => {
      code = exit ?? (signal ? -1 : null);
      resolve();
    });
    child.once('error', () => {
      code = -1;
      resolve();
    });
  });
  return { name, child, exited, exitCode: () => code };
}

async function stopProcess(running: Running): Promise<void> {
  if (running.exitCode() !== undefined) return;
  running.child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([running.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    running.child.kill('SIGKILL');
    await running.exited;
  }
}

function get(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The readiness probe only: the product's client verifies the server's certificate.
    const req = request(url, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

function kubeconfigText(server: string, user: string, token: string, caFile: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user } }],
    'current-context': 'test',
  });
}

/** Static-token users besides the admin and the creator's (bound to nothing until a test binds them). */
export interface KubeClusterOptions {
  users?: readonly string[];
}

const tokenOf = (user: string): string => `${user}-token-for-tests`;

export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  const users = options.users ?? [];
  const binaries = kubeBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'dbp-kube-'));
  const processes: Running[] = [];
  const stop = async (): Promise<void> => {
    // Controllers first, then the API server, then its storage.
    for (const running of [...processes].reverse()) await stopProcess(running);
    processes.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(
      join(dir, 'tokens.csv'),
      [
        `${ADMIN_TOKEN},admin,admin,system:masters`,
        `${CREATOR_TOKEN},${CREATOR_USER},${CREATOR_USER}`,
        ...users.map((user) => `${tokenOf(user)},${user},${user}`),
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const [kinePort, kineMetrics, apiPort] = [await freePort(), await freePort(), await freePort()];
    const kine = start(
      'kine',
      binaries.kine,
      [
        '--endpoint',
        `sqlite://${join(dir, 'kine.db')}?_journal=WAL&cache=shared`,
        '--listen-address',
        `127.0.0.1:${kinePort}`,
        '--metrics-bind-address',
        `127.0.0.1:${kineMetrics}`,
      ],
      join(dir, 'kine.log'),
    );
    processes.push(kine);
    const apiserver = start(
      'kube-apiserver',
      binaries.apiserver,
      [
        `--etcd-servers=http://127.0.0.1:${kinePort}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--disable-admission-plugins=ServiceAccount',
        '--profiling=false',
      ],
      join(dir, 'kube-apiserver.log'),
    );
    processes.push(apiserver);
    const server = `https://127.0.0.1:${apiPort}`;
    const exitedEarly = (): string | undefined => {
      const gone = processes.find((p) => p.exitCode() !== undefined);
      return gone
        ? `${gone.name} exited (${String(gone.exitCode())}); see ${join(dir, `${gone.name}.log`)}`
        : undefined;
    };
    await waitFor('kube-apiserver /readyz', async () => (await get(`${server}/readyz`, ADMIN_TOKEN)).status === 200, {
      timeoutMs: 90_000,
      intervalMs: 250,
      giveUp: exitedEarly,
    });
    // The serving certificate kube-apiserver generated for itself (with its CA) in --cert-dir.
    const caFile = join(dir, 'certs', 'apiserver.crt');
    const kubeconfig = {
      admin: join(dir, 'admin.kubeconfig'),
      creator: join(dir, 'creator.kubeconfig'),
      users: Object.fromEntries(users.map((user) => [user, join(dir, `${user}.kubeconfig`)])),
    };
    await writeFile(kubeconfig.admin, kubeconfigText(server, 'admin', ADMIN_TOKEN, caFile), { mode: 0o600 });
    await writeFile(kubeconfig.creator, kubeconfigText(server, CREATOR_USER, CREATOR_TOKEN, caFile), { mode: 0o600 });
    for (const user of users) {
      await writeFile(kubeconfig.users[user]!, kubeconfigText(server, user, tokenOf(user), caFile), { mode: 0o600 });
    }
    return {
      server,
      dir,
      kubeconfig,
      async startControllers() {
        const controllers = start(
          'kube-controller-manager',
          binaries.controllerManager,
          [
            `--kubeconfig=${kubeconfig.admin}`,
            '--controllers=deployment-controller,replicaset-controller',
            '--leader-elect=false',
            '--secure-port=0',
            '--use-service-account-credentials=false',
          ],
          join(dir, 'kube-controller-manager.log'),
        );
        processes.push(controllers);
        // Ready once the deployment controller acts; the tests wait on its effects.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const gone = exitedEarly();
        if (gone) throw new Error(gone);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
