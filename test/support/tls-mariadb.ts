// A second MariaDB for TLS tests: a CA and a server certificate made here with openssl, a fresh
// data dir, require_secure_transport=ON, on a free port; stopped by its PID on every path.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './mongo-server.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface TlsCa {
  dir: string;
  /** The CA certificate (PEM). */
  caFile: string;
  /** Issues a certificate for the given subjectAltName (`DNS:localhost`), signed by this CA. */
  issue(name: string, altNames: string): Promise<{ certFile: string; keyFile: string }>;
}

/** A CA made with openssl in a new temporary directory (removed with the server, or by the caller). */
export async function makeCa(dir: string, name: string): Promise<TlsCa> {
  const caKey = join(dir, `${name}-ca.key`);
  const caFile = join(dir, `${name}-ca.pem`);
  await run('openssl', ['genrsa', '-out', caKey, '2048']);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    caKey,
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${name} test CA`,
    '-out',
    caFile,
  ]);
  return {
    dir,
    caFile,
    async issue(certName, altNames) {
      const keyFile = join(dir, `${certName}.key`);
      const csr = join(dir, `${certName}.csr`);
      const certFile = join(dir, `${certName}.pem`);
      const ext = join(dir, `${certName}.ext`);
      await writeFile(
        ext,
        `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
      );
      await run('openssl', ['genrsa', '-out', keyFile, '2048']);
      await run('openssl', ['req', '-new', '-key', keyFile, '-subj', `/CN=${certName}`, '-out', csr]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-days',
        '2',
        '-sha256',
        '-extfile',
        ext,
        '-out',
        certFile,
      ]);
      return { certFile, keyFile };
    },
  };
}

export interface TlsMariadb {
  port: number;
  dir: string;
  /** The CA that signed the server's certificate (DNS:localhost only, no IP address). */
  ca: TlsCa;
  /** Another CA that did not. */
  otherCa: TlsCa;
  /** Runs SQL as root over the unix socket (which require_secure_transport accepts). */
  sql(statements: string): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startTlsMariadb(): Promise<TlsMariadb> {
  const dir = await mkdtemp(join(tmpdir(), 'dbp-tls-mariadb-'));
  let child: ChildProcess | undefined;
  let output = '';
  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current && current.exitCode === null && current.signalCode === null) {
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (current) running.delete(current);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ca = await makeCa(dir, 'server');
    const otherCa = await makeCa(dir, 'other');
    const { certFile, keyFile } = await ca.issue('mariadb-tls', 'DNS:localhost');
    const dataDir = join(dir, 'data');
    const socket = join(dir, 'mysqld.sock');
    await run('mariadb-install-db', [
      '--no-defaults',
      '--user=root',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=socket',
    ]);
    const port = await freePort();
    child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        '--user=root',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--ssl-ca=${ca.caFile}`,
        `--ssl-cert=${certFile}`,
        `--ssl-key=${keyFile}`,
        '--require-secure-transport=ON',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const sql = async (statements: string): Promise<string> =>
      (await run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-N', '-B', '-e', statements])).stdout;
    const started = child;
    await waitFor(
      `the TLS MariaDB on port ${port}`,
      () =>
        sql('SELECT 1').then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 60_000,
        giveUp: () => (started.exitCode !== null ? `mariadbd exited (${started.exitCode})` : undefined),
      },
    );
    // mariadb-install-db leaves anonymous users, which would shadow any 'user'@'%'.
    await sql("DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;");
    return { port, dir, ca, otherCa, sql, stop };
  } catch (error) {
    await stop();
    throw new Error(`cannot start the TLS MariaDB: ${(error as Error).message}\n${output}`, { cause: error });
  }
}
