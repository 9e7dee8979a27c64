// buildManifests: the ConfigMap and Deployment of a project against golden objects, the hash
// (stable, changed by any setting), names safe for Kubernetes and distinct per database.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DefaultsSchema, type Defaults } from '../../../src/config/defaults-schema.js';
import { mergeConfig } from '../../../src/config/effective.js';
import {
  buildManifests,
  credentialsSecretName,
  projectKey,
  resourceName,
} from '../../../src/orchestrator/kubernetes/manifests.js';
import type { Request } from '../../../src/request/schema.js';
import { EXAMPLE_REQUEST } from '../../../src/request/template.js';

const golden = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')) as unknown;

function defaultsOf(extra: object = {}): Defaults {
  return DefaultsSchema.parse({
    orchestrator: 'kubernetes',
    kubernetes: { namespace: 'sensors', image: 'registry.example/db-proxy:0.1.0' },
    ...extra,
  });
}

function build(request: Request = EXAMPLE_REQUEST, defaults: Defaults = defaultsOf()) {
  const merged = mergeConfig(request, defaults);
  if (!merged.ok) throw new Error(merged.issues.join('; '));
  return buildManifests(request, merged.value, defaults, defaults.kubernetes!);
}

describe('buildManifests', () => {
  it('builds the golden ConfigMap and Deployment of the example request', () => {
    const manifests = build();
    // JSON round trip: the golden files hold what goes over the wire.
    expect(JSON.parse(JSON.stringify(manifests.configMap))).toEqual(golden('configmap.json'));
    expect(JSON.parse(JSON.stringify(manifests.deployment))).toEqual(golden('deployment.json'));
    expect(manifests.name).toBe('db-proxy-tor-bgo-150kingw-3fc0a9a9');
  });

  it('keeps secrets out of the ConfigMap: credentials come from the Secret of the MySQL server', () => {
    const { configMap, deployment } = build();
    expect(JSON.stringify(configMap)).not.toMatch(/PASSWORD|MONGO_URL|credentials\.env/);
    const volumes = deployment.spec!.template.spec!.volumes!;
    expect(volumes.find((v) => v.name === 'credentials')?.secret?.secretName).toBe(
      'db-proxy-credentials-mysql-example-internal',
    );
  });

  it('gives the same hash for the same settings and a new one for any change', () => {
    const a = build();
    expect(build().configHash).toBe(a.configHash);
    expect(build({ ...EXAMPLE_REQUEST, sleep_time: 6 }).configHash).not.toBe(a.configHash);
    const otherImage = defaultsOf({ kubernetes: { namespace: 'sensors', image: 'registry.example/db-proxy:0.2.0' } });
    expect(build(EXAMPLE_REQUEST, otherImage).configHash).not.toBe(a.configHash);
    expect(build(EXAMPLE_REQUEST, defaultsOf({ sync: { waves_per_query: 32 } })).configHash).not.toBe(a.configHash);
  });

  it('renders kubernetes.worker_resources into the worker container, and a change is a new hash', () => {
    const a = build();
    const resources = { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '1', memory: '512Mi' } };
    const b = build(
      EXAMPLE_REQUEST,
      defaultsOf({
        kubernetes: { namespace: 'sensors', image: 'registry.example/db-proxy:0.1.0', worker_resources: resources },
      }),
    );
    expect(b.deployment.spec!.template.spec!.containers[0]!.resources).toEqual(resources);
    expect(b.configHash).not.toBe(a.configHash);
    // Not the worker's business: the ConfigMap's defaults.json leaves the orchestrator's settings out.
    expect(b.configMap.data).toEqual(a.configMap.data);
  });

  it('names objects with valid, distinct DNS names and label values', () => {
    const names = ['Site_A', 'site-a', 'site.a', '_x', 'A'.repeat(64)];
    const keys = names.map(projectKey);
    expect(new Set(keys).size).toBe(names.length);
    for (const name of names) {
      expect(resourceName(name)).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      expect(projectKey(name)).toMatch(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/);
    }
  });

  it('takes the Secret from defaults.json when named there, by host and port', () => {
    const settings = defaultsOf({
      kubernetes: {
        image: 'x:1',
        credentials_secrets: { 'MySQL.example.internal:3306': 'mysql-main' },
      },
    }).kubernetes!;
    expect(credentialsSecretName('mysql.example.internal', settings)).toBe('mysql-main');
    expect(credentialsSecretName('mysql.example.internal:3307', settings)).toBe(
      'db-proxy-credentials-mysql-example-internal-3307',
    );
  });
});

describe('defaults.json for Kubernetes', () => {
  it('requires the kubernetes settings, with an image, when the orchestrator is kubernetes', () => {
    const result = DefaultsSchema.safeParse({ orchestrator: 'kubernetes' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['kubernetes']);
    const noImage = DefaultsSchema.safeParse({ orchestrator: 'kubernetes', kubernetes: { namespace: 'x' } });
    expect(noImage.error?.issues[0]?.path).toEqual(['kubernetes', 'image']);
    const badNamespace = DefaultsSchema.safeParse({ kubernetes: { namespace: 'Not_A_Label', image: 'x:1' } });
    expect(badNamespace.error?.issues[0]?.path).toEqual(['kubernetes', 'namespace']);
  });

  it('leaves the built-in defaults as they were (systemd)', () => {
    expect(DefaultsSchema.parse({}).orchestrator).toBeUndefined();
  });
});
