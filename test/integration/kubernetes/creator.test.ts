// The creator on Kubernetes against a real kube-apiserver (on kine) and kube-controller-manager:
// submit → ConfigMap and Deployment; the same request → unchanged, nothing written; a change → a
// new generation; a bad request → nothing created; a worker that never becomes ready → rolled
// back; a creator killed mid-apply → complete after its restart; removal → both gone; the Role
// of contrib/kubernetes/ is all the creator's user has, and is enough. No kubelet runs: a test
// double marks pods ready through the API (test/support/kubelet-double.ts), nothing else is faked.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropRequest, waitForVerdict } from '../../../src/intake/drop.js';
import { stateLayout, type StateLayout } from '../../../src/intake/layout.js';
import type { Verdict } from '../../../src/intake/verdict.js';
import { HASH_ANNOTATION, resourceName } from '../../../src/orchestrator/kubernetes/manifests.js';
import type { Request } from '../../../src/request/schema.js';
import { EXAMPLE_REQUEST } from '../../../src/request/template.js';
import { projectRoot, runCli, spawnCli } from '../../support/cli.js';
import { makeConfigDir, type ConfigDir } from '../../support/config-dir.js';
import { CREATOR_USER, startKubeCluster, type KubeCluster } from '../../support/kube-cluster.js';
import { startKubeletDouble, type KubeletDouble } from '../../support/kubelet-double.js';
import { waitFor } from '../../support/wait.js';

const NS = 'db-proxy';
const DATABASE = `kube-${process.pid}`;
const NAME = resourceName(DATABASE);
const REQUEST: Request = { ...EXAMPLE_REQUEST, database: DATABASE, server: '127.0.0.1:3306' };
// In the API server's canonical form, so what it stores reads back the same.
const WORKER_RESOURCES = { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '1', memory: '512Mi' } };

let cluster: KubeCluster | undefined;
let kubelet: KubeletDouble | undefined;
let config: ConfigDir | undefined;
let creator: ReturnType<typeof spawnCli> | undefined;
let layout: StateLayout;
let admin: KubernetesObjectApi;

function apiFor(kubeconfig: string): KubernetesObjectApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return KubernetesObjectApi.makeApiClient(kc);
}

async function read<T extends KubernetesObject>(kind: 'ConfigMap' | 'Deployment', name = NAME): Promise<T | undefined> {
  const apiVersion = kind === 'ConfigMap' ? 'v1' : 'apps/v1';
  try {
    return await admin.read<T>({ apiVersion, kind, metadata: { name, namespace: NS } });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

async function startCreator(): Promise<void> {
  creator = spawnCli(
    ['--config-dir', config!.dir, '--state-dir', config!.stateDir, 'creator', '--rescan-seconds', '1'],
    {},
  );
  let text = '';
  let exited = false;
  creator.all?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  void creator.then(() => (exited = true));
  await waitFor('the creator to be ready', () => text.includes('creator ready'), {
    timeoutMs: 30_000,
    giveUp: () => (exited ? `the creator exited: ${text}` : undefined),
  });
}

async function stopCreator(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!creator) return;
  creator.kill(signal);
  await creator;
  creator = undefined;
}

async function drop(text: string): Promise<string> {
  return dropRequest(layout, DATABASE, text);
}

async function verdictOf(id: string): Promise<Verdict> {
  const verdict = await waitForVerdict(layout, id, { timeoutMs: 90_000 });
  if (!verdict) throw new Error(`no verdict for ${id}`);
  return verdict;
}

async function submit(request: Request): Promise<Verdict> {
  return verdictOf(await drop(JSON.stringify(request)));
}

async function writeDefaults(extra: object = {}): Promise<void> {
  const defaults = {
    orchestrator: 'kubernetes',
    kubernetes: {
      namespace: NS,
      image: 'registry.example/db-proxy:test',
      kubeconfig: cluster!.kubeconfig.creator,
      ready_timeout_seconds: 15,
      worker_resources: WORKER_RESOURCES,
    },
    ...extra,
  };
  await writeFile(join(config!.dir, 'defaults.json'), `${JSON.stringify(defaults, null, 2)}\n`);
}

beforeAll(async () => {
  cluster = await startKubeCluster();
  await cluster.startControllers();
  admin = apiFor(cluster.kubeconfig.admin);
  await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  // The administrator's part: the shipped ServiceAccount, Role and RoleBinding, plus one binding
  // of the same Role to the static-token user the creator runs as here (no kubelet mints SA tokens).
  const manifests = loadAllYaml(
    await readFile(join(projectRoot, 'contrib/kubernetes/rbac.yaml'), 'utf8'),
  ) as KubernetesObject[];
  for (const object of manifests) {
    await admin.patch(object, undefined, undefined, 'test-admin', true, PatchStrategy.ServerSideApply);
  }
  await admin.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'db-proxy-creator-test-user', namespace: NS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'db-proxy-creator' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: CREATOR_USER }],
  } as KubernetesObject);
  config = await makeConfigDir({ mongoUrl: inject('mongoUrl') });
  await writeDefaults();
  layout = stateLayout(config.stateDir);
  await mkdir(layout.requests, { recursive: true });
  kubelet = startKubeletDouble(cluster.kubeconfig.admin, NS);
  await startCreator();
}, 180_000);

afterAll(async () => {
  await stopCreator('SIGTERM').catch(() => undefined);
  await kubelet?.stop();
  await cluster?.stop();
  await config?.cleanup();
}, 60_000);

describe('the creator on Kubernetes', () => {
  let firstHash = '';

  it('turns a submitted request into a ConfigMap and a ready one-replica Deployment', async () => {
    const file = join(config!.stateDir, 'request.json');
    await writeFile(file, JSON.stringify(REQUEST));
    // The operator's command, unchanged.
    const result = await runCli(
      ['--config-dir', config!.dir, '--state-dir', config!.stateDir, 'submit', '--json', '--timeout', '90', file],
      { timeout: 100_000 },
    );
    const verdict = JSON.parse(result.stdout) as Verdict;
    expect(verdict).toMatchObject({ outcome: 'started', unit: `deployment/${NAME}`, unit_state: 'active' });

    const configMap = (await read<V1ConfigMap>('ConfigMap'))!;
    const deployment = (await read<V1Deployment>('Deployment'))!;
    firstHash = deployment.metadata!.annotations![HASH_ANNOTATION]!;
    expect(configMap.metadata?.annotations?.[HASH_ANNOTATION]).toBe(firstHash);
    expect(JSON.parse(configMap.data!['request.json']!)).toEqual(REQUEST);
    expect(JSON.parse(configMap.data!['effective.json']!)).toMatchObject({
      request: REQUEST,
      mongoDatabase: 'db_proxy',
    });
    expect(JSON.stringify(configMap.data)).not.toMatch(/MONGO_URL|MYSQL_PASSWORD|mongodb:\/\//);
    for (const object of [configMap, deployment]) {
      expect(object.metadata?.labels).toMatchObject({
        'app.kubernetes.io/name': 'db-proxy',
        'db-proxy/project': expect.any(String) as unknown,
      });
      expect(object.metadata?.managedFields?.map((f) => f.manager)).toContain('db-proxy');
    }
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const container = deployment.spec!.template.spec!.containers[0]!;
    expect(container.args).toEqual(['--config-dir', '/etc/db-proxy', 'worker', '/etc/db-proxy']);
    expect(container.readinessProbe?.exec?.command).toEqual(['test', '-f', '/run/db-proxy/ready']);
    expect(container.resources).toEqual(WORKER_RESOURCES);
    expect(deployment.spec!.template.spec!.volumes!.find((v) => v.name === 'credentials')?.secret?.secretName).toBe(
      'db-proxy-credentials-127-0-0-1',
    );
    expect(deployment.status?.readyReplicas).toBe(1);
    // The project folder, for status and the monitor.
    const state = JSON.parse(await readFile(join(layout.projects, DATABASE, 'project.json'), 'utf8')) as object;
    expect(state).toMatchObject({ unit: `deployment/${NAME}`, config_hash: firstHash });
  });

  it('reports the same request unchanged and writes nothing', async () => {
    const before = [
      (await read('ConfigMap'))!.metadata!.resourceVersion,
      (await read('Deployment'))!.metadata!.resourceVersion,
    ];
    const verdict = await submit(REQUEST);
    expect(verdict).toMatchObject({ outcome: 'unchanged', unit_state: 'active' });
    const after = [
      (await read('ConfigMap'))!.metadata!.resourceVersion,
      (await read('Deployment'))!.metadata!.resourceVersion,
    ];
    expect(after).toEqual(before);
  });

  it('rolls a changed request out as a new generation and waits for its pod to be ready', async () => {
    const before = (await read<V1Deployment>('Deployment'))!;
    const verdict = await submit({ ...REQUEST, sleep_time: 7 });
    expect(verdict).toMatchObject({ outcome: 'restarted', unit_state: 'active' });
    const after = (await read<V1Deployment>('Deployment'))!;
    expect(after.metadata!.generation).toBeGreaterThan(before.metadata!.generation!);
    expect(after.metadata!.annotations![HASH_ANNOTATION]).not.toBe(firstHash);
    expect(after.status?.observedGeneration).toBe(after.metadata!.generation);
    expect(after.status).toMatchObject({ updatedReplicas: 1, readyReplicas: 1, replicas: 1 });
    const configMap = (await read<V1ConfigMap>('ConfigMap'))!;
    expect(JSON.parse(configMap.data!['request.json']!)).toMatchObject({ sleep_time: 7 });
  });

  it('creates nothing for a bad request and leaves the running project alone', async () => {
    const before = (await read('Deployment'))!.metadata!.resourceVersion;
    const bad = await verdictOf(await drop(JSON.stringify({ ...REQUEST, database: 'bad-one', sleep_time: '5' })));
    expect(bad.outcome).toBe('rejected');
    expect(await read('Deployment', resourceName('bad-one'))).toBeUndefined();
    expect(await read('ConfigMap', resourceName('bad-one'))).toBeUndefined();
    expect((await read('Deployment'))!.metadata!.resourceVersion).toBe(before);
  });

  it('rolls back to the previous ConfigMap and Deployment spec when the new worker never becomes ready', async () => {
    const before = (await read<V1Deployment>('Deployment'))!;
    const goodHash = before.metadata!.annotations![HASH_ANNOTATION]!;
    // The kubelet double passes only pods of the running configuration: the new one never gets ready.
    kubelet!.setPasses((pod: V1Pod) => pod.metadata?.annotations?.[HASH_ANNOTATION] === goodHash);
    try {
      const verdict = await submit({ ...REQUEST, sleep_time: 9 });
      expect(verdict.outcome).toBe('failed');
      expect(verdict.reasons.join('\n')).toMatch(/did not become ready|failed/);
      expect(verdict.reasons.join('\n')).toContain('rolled back');
      const after = (await read<V1Deployment>('Deployment'))!;
      expect(after.metadata!.annotations![HASH_ANNOTATION]).toBe(goodHash);
      expect(after.spec!.template.metadata!.annotations![HASH_ANNOTATION]).toBe(goodHash);
      expect(after.spec!.template.spec).toEqual(before.spec!.template.spec);
      const configMap = (await read<V1ConfigMap>('ConfigMap'))!;
      expect(configMap.metadata!.annotations![HASH_ANNOTATION]).toBe(goodHash);
      expect(JSON.parse(configMap.data!['request.json']!)).toMatchObject({ sleep_time: 7 });
      // The restored worker becomes ready again.
      await waitFor('the previous worker to be ready again', async () => {
        const d = await read<V1Deployment>('Deployment');
        return d?.status?.readyReplicas === 1 && d.status.updatedReplicas === 1;
      });
    } finally {
      kubelet!.setPasses(() => true);
    }
  });

  it('completes a request whose creator was killed mid-apply, after its restart', async () => {
    const previousHash = (await read<V1Deployment>('Deployment'))!.metadata!.annotations![HASH_ANNOTATION];
    kubelet!.setPasses(() => false); // the creator stays in its readiness wait
    const id = await drop(JSON.stringify({ ...REQUEST, sleep_time: 11 }));
    await waitFor('the creator to apply the new Deployment', async () => {
      const d = await read<V1Deployment>('Deployment');
      return d?.metadata?.annotations?.[HASH_ANNOTATION] !== previousHash;
    });
    await stopCreator('SIGKILL');
    // The same journal as under systemd, naming the orchestrator that wrote it.
    const journal = JSON.parse(await readFile(join(layout.inflight, `${DATABASE}.json`), 'utf8')) as object;
    expect(journal).toMatchObject({ version: 3, orchestrator: 'kubernetes', database: DATABASE });
    kubelet!.setPasses(() => true);
    await startCreator();
    const verdict = await verdictOf(id);
    expect(verdict).toMatchObject({ outcome: 'restarted', unit_state: 'active' });
    const deployment = (await read<V1Deployment>('Deployment'))!;
    const configMap = (await read<V1ConfigMap>('ConfigMap'))!;
    expect(JSON.parse(configMap.data!['request.json']!)).toMatchObject({ sleep_time: 11 });
    expect(configMap.metadata!.annotations![HASH_ANNOTATION]).toBe(deployment.metadata!.annotations![HASH_ANNOTATION]);
    expect(deployment.status?.readyReplicas).toBe(1);
    expect((await readdir(layout.inflight)).filter((name) => name.endsWith('.json'))).toEqual([]);
  });

  it('shows the Deployment as the unit in db-proxy status', async () => {
    const result = await runCli(['--config-dir', config!.dir, '--state-dir', config!.stateDir, 'status', '--json']);
    const status = JSON.parse(result.stdout) as { projects: { project: string; unit: string; unit_state: string }[] };
    expect(status.projects).toEqual([
      expect.objectContaining({ project: DATABASE, unit: `deployment/${NAME}`, unit_state: 'active/running' }),
    ]);
  });

  it('gives the creator nothing beyond its Role, and the Role is enough', async () => {
    // Every request above was applied with the creator's user, bound to nothing but the Role.
    const limited = apiFor(cluster!.kubeconfig.creator);
    const forbidden = async (action: () => Promise<unknown>): Promise<number | undefined> =>
      action().then(
        () => undefined,
        (error: { code?: number }) => error.code,
      );
    expect(await forbidden(() => limited.list('v1', 'Pod', NS))).toBe(403);
    expect(await forbidden(() => limited.list('v1', 'Secret', NS))).toBe(403);
    expect(await forbidden(() => limited.list('apps/v1', 'Deployment', 'default'))).toBe(403);
  });

  it('deletes the ConfigMap and the Deployment when the project is removed', async () => {
    const result = await runCli(
      ['--config-dir', config!.dir, '--state-dir', config!.stateDir, 'remove', '--json', '--timeout', '90', DATABASE],
      { timeout: 100_000 },
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'removed' });
    expect(await read('Deployment')).toBeUndefined();
    expect(await read('ConfigMap')).toBeUndefined();
    expect(existsSync(join(layout.projects, DATABASE))).toBe(false);
  });
});
