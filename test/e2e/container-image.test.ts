// The worker image: the repository's Containerfile built with podman, then run exactly as the
// Deployment the creator applies describes its container (args, environment, read-only root,
// user 10001, no capabilities, the ConfigMap, the Secret's credentials.env at 0440, the run
// volume), against the host's MariaDB and MongoDB-compatible server. Its readiness and liveness
// probe commands pass once it syncs, it logs plain lines to stdout (no journald prefixes), and
// SIGTERM stops it with exit code 0, as under systemd. The base image stands in for
// node:24-bookworm-slim (scripts/ensure-podman.sh): Docker Hub cannot be reached here.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { V1Container } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { mergeConfig } from '../../src/config/effective.js';
import { buildManifests, CREDENTIALS_KEY } from '../../src/orchestrator/kubernetes/manifests.js';
import type { Request } from '../../src/request/schema.js';
import { connectMongo, dropMongoDatabase, freshMongoDatabaseName } from '../support/mongo.js';
import { connectMysqlRoot, createSourceDatabase, type SourceDatabase } from '../support/mysql.js';
import { waitFor } from '../support/wait.js';
import { REPO, grantRead } from './support/installed.js';

const run = promisify(execFile);
const WORKER_UID = 10001;

describe('the worker image', () => {
  const mongoUrl = inject('mongoUrl');
  const suffix = randomBytes(4).toString('hex');
  const image = `localhost/db-proxy:e2e-${suffix}`;
  const container = `dbp-e2e-worker-${suffix}`;
  const mysqlUser = `dbp_img_${suffix}`;
  const mysqlPassword = `img-${randomBytes(8).toString('hex')}`;
  const mongoDatabase = freshMongoDatabaseName();
  const now = Math.floor(Date.now() / 1000);
  let env: NodeJS.ProcessEnv = process.env;
  let source: SourceDatabase;
  let dir: string;
  let built = false;

  const podman = async (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    run('podman', args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 });

  beforeAll(async () => {
    const ready = await run(join(REPO, 'scripts/ensure-podman.sh'), [], { timeout: 10 * 60_000 });
    const settings = Object.fromEntries(
      ready.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    ) as Record<string, string | undefined>;
    if (!settings.CONTAINERS_CONF || !settings.BASE) throw new Error(`ensure-podman.sh printed ${ready.stdout}`);
    env = { ...process.env, CONTAINERS_CONF: settings.CONTAINERS_CONF };
    await podman(
      'build',
      // No intermediate images left behind: the build stage is not kept.
      '--layers=false',
      '--network',
      'host',
      '--build-arg',
      `BASE=${settings.BASE}`,
      '-t',
      image,
      '-f',
      'Containerfile',
      REPO,
    );
    built = true;

    source = await createSourceDatabase({ name: `dbp_img_${suffix}` });
    const waves = [3, 2, 1].map((k) => now - 300 * k);
    await source.insertCycles(waves.map((wave) => ({ wave, monitory: 'Extraction_1_dev_a', interval: 300 })));
    await source.insertMeasures(waves.flatMap((wave) => ['a', 'b'].map((pointId, i) => ({ wave, pointId, value: i }))));
    const root = await connectMysqlRoot();
    try {
      for (const host of ['%', 'localhost'])
        await root.query(`CREATE USER ?@? IDENTIFIED BY ?`, [mysqlUser, host, mysqlPassword]);
    } finally {
      await root.end();
    }
    await grantRead(source.name, mysqlUser);
    dir = await mkdtemp(join(tmpdir(), 'dbp-image-'));
  }, 15 * 60_000);

  afterAll(async () => {
    await podman('rm', '-f', container).catch(() => undefined);
    if (built) await podman('rmi', '-f', image).catch(() => undefined);
    await source?.drop().catch(() => undefined);
    const root = await connectMysqlRoot();
    try {
      for (const host of ['%', 'localhost']) await root.query('DROP USER IF EXISTS ?@?', [mysqlUser, host]);
    } finally {
      await root.end();
    }
    await dropMongoDatabase(mongoUrl, mongoDatabase).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The `podman run` flags that give the container what its Deployment gives it in a pod. */
  async function runFlagsOf(spec: V1Container, configData: Record<string, string>): Promise<string[]> {
    const config = join(dir, 'config');
    const secrets = join(dir, 'secrets');
    await mkdir(config);
    await mkdir(secrets);
    for (const [key, text] of Object.entries(configData)) await writeFile(join(config, key), text);
    const credentials = join(secrets, CREDENTIALS_KEY);
    await writeFile(credentials, `MONGO_URL=${mongoUrl}\nMYSQL_USER=${mysqlUser}\nMYSQL_PASSWORD=${mysqlPassword}\n`);
    // A Secret volume with defaultMode 0440 and the pod's fsGroup: readable by the worker's group only.
    await chown(credentials, 0, WORKER_UID);
    await chmod(credentials, 0o440);
    const volumes: Record<string, string> = { config, credentials: secrets };
    const flags = ['--network', 'host', '--user', `${WORKER_UID}:${WORKER_UID}`];
    if (spec.securityContext?.readOnlyRootFilesystem) flags.push('--read-only');
    if (spec.securityContext?.capabilities?.drop?.includes('ALL')) flags.push('--cap-drop', 'ALL');
    if (spec.securityContext?.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
    for (const { name, value } of spec.env ?? []) flags.push('--env', `${name}=${value ?? ''}`);
    for (const mount of spec.volumeMounts ?? []) {
      // The run volume is an emptyDir in memory.
      if (mount.name === 'run') flags.push('--tmpfs', `${mount.mountPath}:rw,size=1m,mode=1777`);
      else flags.push('--volume', `${volumes[mount.name]}:${mount.mountPath}:${mount.readOnly ? 'ro' : 'rw'}`);
    }
    return flags;
  }

  it('runs as its Deployment describes: ready, syncing, plain stdout logs, exit 0 on SIGTERM', async () => {
    const request: Request = {
      wave_counter_threshold: now - 86_400,
      delete_old_value: 1,
      monitory_name_kept: ['Extraction_1_dev_a'],
      measures: 'TL_measures',
      database: source.name,
      server: '127.0.0.1:3306',
      sleep_time: 1,
    };
    const defaults = DefaultsSchema.parse({
      mongo_database: mongoDatabase,
      allowed_servers: ['127.0.0.1:3306'],
      orchestrator: 'kubernetes',
      kubernetes: { namespace: 'sensors', image },
    });
    const merged = mergeConfig(request, defaults);
    if (!merged.ok) throw new Error(merged.issues.join('; '));
    const manifests = buildManifests(request, merged.value, defaults, defaults.kubernetes!);
    const spec = manifests.deployment.spec!.template.spec!.containers[0]!;
    expect(spec.image).toBe(image);
    const flags = await runFlagsOf(spec, manifests.configMap.data!);
    await podman('run', '--detach', '--name', container, ...flags, image, ...(spec.args ?? []));

    const probe = async (command: string[] | undefined): Promise<boolean> =>
      podman('exec', container, ...(command ?? ['false'])).then(
        () => true,
        () => false,
      );
    await waitFor('the readiness probe to pass', () => probe(spec.readinessProbe?.exec?.command), {
      timeoutMs: 60_000,
      intervalMs: 500,
    }).catch(async (error: unknown) => {
      const logs = await podman('logs', container).catch(() => ({ stdout: '', stderr: '' }));
      throw new Error(`${String(error)}\n${logs.stdout}${logs.stderr}`);
    });
    expect(await probe(spec.livenessProbe?.exec?.command)).toBe(true);

    const mongo = await connectMongo(mongoUrl);
    try {
      const collection = mongo.db(mongoDatabase).collection(`${source.name};TL_measures;Extraction_1_dev_a;300`);
      await waitFor('the three waves in MongoDB', async () => (await collection.countDocuments()) === 3, {
        timeoutMs: 60_000,
      });
      expect(await collection.findOne({ _id: (now - 300) as never })).toMatchObject({ a: 0, b: 1 });
    } finally {
      await mongo.close();
    }

    await podman('stop', '--time', '20', container);
    const state = JSON.parse((await podman('inspect', container, '--format', '{{json .State}}')).stdout) as {
      ExitCode: number;
    };
    const logs = await podman('logs', container);
    expect(state.ExitCode, logs.stdout + logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines)
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info |warn |error|debug) \S/);
    expect(logs.stdout).toContain('worker stopped');
    expect(logs.stdout + logs.stderr).not.toContain(mysqlPassword);
  });
});
