// The creator's Role (contrib/kubernetes/rbac.yaml) against a real kube-apiserver with RBAC: the
// creator's whole flow — a new project, a change, status, the removal — succeeds as a user bound
// only to that Role, and fails, naming the refused call, as a user bound to the Role without any
// one of its verbs. So the Role is enough, and every verb in it is needed. The flow is the
// product's request handling (handleRequest, the Kubernetes adapter and client) run in-process;
// readiness comes from kube-controller-manager and the kubelet double (test/support/kubelet-double.ts).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  type KubernetesObject,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../../src/config/defaults-schema.js';
import { kubernetesUnitStates } from '../../../src/health/kubernetes-units.js';
import { stateLayout } from '../../../src/intake/layout.js';
import type { Request } from '../../../src/request/schema.js';
import { EXAMPLE_REQUEST } from '../../../src/request/template.js';
import { contextWithoutSystemd, handleAsDaemon, makeStateFolders } from '../../creator/support/no-systemd.js';
import { projectRoot } from '../../support/cli.js';
import { startKubeCluster, type KubeCluster } from '../../support/kube-cluster.js';
import { startKubeletDouble, type KubeletDouble } from '../../support/kubelet-double.js';

const NS = 'db-proxy';
const ROLE = (
  loadAllYaml(await readFile(join(projectRoot, 'contrib/kubernetes/rbac.yaml'), 'utf8')) as KubernetesObject[]
).find((object) => object.kind === 'Role') as KubernetesObject & { rules: V1PolicyRule[] };

interface Variant {
  user: string;
  /** The verb left out, and of which resource; none for the Role as shipped. */
  without?: { verb: string; resource: string };
  rules: V1PolicyRule[];
}

/** The Role as shipped, and the Role without each one of its verbs in turn. */
const VARIANTS: Variant[] = [
  { user: 'role-as-shipped', rules: ROLE.rules },
  ...ROLE.rules.flatMap((rule, index) =>
    rule.verbs.map((verb) => {
      const resource = rule.resources?.[0] ?? '?';
      const rules = ROLE.rules
        .map((other, at) => (at === index ? { ...other, verbs: other.verbs.filter((v) => v !== verb) } : other))
        .filter((other) => other.verbs.length > 0);
      return { user: `role-without-${verb}-${resource}`, without: { verb, resource }, rules };
    }),
  ),
];

let cluster: KubeCluster | undefined;
let kubelet: KubeletDouble | undefined;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dbp-rbac-'));
  cluster = await startKubeCluster({ users: VARIANTS.map((variant) => variant.user) });
  await cluster.startControllers();
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfig.admin);
  const admin = KubernetesObjectApi.makeApiClient(config);
  await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const variant of VARIANTS) {
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: variant.user, namespace: NS },
      rules: variant.rules,
    } as KubernetesObject);
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: variant.user, namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: variant.user },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: variant.user }],
    } as KubernetesObject);
  }
  kubelet = startKubeletDouble(cluster.kubeconfig.admin, NS);
}, 180_000);

afterAll(async () => {
  await kubelet?.stop();
  await cluster?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The creator's request handling with the Kubernetes backend, as `user`, in its own state and config folders. */
async function creatorAs(user: string) {
  const configDir = join(work, user, 'config');
  const stateDir = join(work, user, 'state');
  const layout = stateLayout(stateDir);
  await mkdir(configDir, { recursive: true });
  await makeStateFolders(layout);
  const defaults = {
    orchestrator: 'kubernetes',
    kubernetes: {
      namespace: NS,
      image: 'registry.example/db-proxy:test',
      kubeconfig: cluster!.kubeconfig.users[user],
      ready_timeout_seconds: 30,
    },
  };
  await writeFile(join(configDir, 'defaults.json'), JSON.stringify(defaults));
  const ctx = contextWithoutSystemd({ stateDir, configDir, unitDir: join(work, user, 'units') });
  let counter = 0;
  return {
    defaults: DefaultsSchema.parse(defaults),
    submit: (body: object) => handleAsDaemon(ctx, join(layout.requests, `r${++counter}.json`), body),
  };
}

/** The creator's flow for one project; the first step that did not do what it should, or undefined. */
async function flowAs(user: string): Promise<string | undefined> {
  const creator = await creatorAs(user);
  const request: Request = { ...EXAMPLE_REQUEST, database: `db-${user}`, server: '127.0.0.1:3306' };
  const steps: [string, () => Promise<string | undefined>][] = [
    ['a new project', async () => expectOutcome(await creator.submit(request), 'started')],
    ['a change', async () => expectOutcome(await creator.submit({ ...request, sleep_time: 9 }), 'restarted')],
    [
      'status',
      async () => {
        const unit = `deployment/${user}`;
        const states = await kubernetesUnitStates(creator.defaults, [{ database: request.database, unit }]);
        return states.get(unit)?.activeState === 'active'
          ? undefined
          : `status shows ${JSON.stringify(states.get(unit))}`;
      },
    ],
    [
      'the removal',
      async () => expectOutcome(await creator.submit({ action: 'remove', database: request.database }), 'removed'),
    ],
  ];
  for (const [name, step] of steps) {
    const problem = await step().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (problem !== undefined) return `${name}: ${problem}`;
  }
  return undefined;
}

function expectOutcome(verdict: { outcome: string; reasons: string[] }, outcome: string): string | undefined {
  return verdict.outcome === outcome ? undefined : `${verdict.outcome}: ${verdict.reasons.join('; ')}`;
}

describe("the creator's Role", () => {
  it('is enough for the whole flow: a new project, a change, status, the removal', async () => {
    expect(await flowAs('role-as-shipped')).toBeUndefined();
  }, 120_000);

  it.each(VARIANTS.filter((variant) => variant.without))(
    'is needed whole: without $without.verb on $without.resource the flow fails, naming the refused call',
    async (variant) => {
      const { verb, resource } = variant.without!;
      const problem = await flowAs(variant.user);
      expect(problem).toBeDefined();
      expect(problem).toContain(`cannot ${verb} resource "${resource}"`);
    },
    120_000,
  );
});
