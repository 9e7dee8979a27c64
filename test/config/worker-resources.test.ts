// kubernetes.worker_resources in defaults.json: sane defaults, Kubernetes quantities checked
// naming the key, and a request above its limit refused before the API server sees it.
import { describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { cpuMillis, memoryBytes } from '../../src/config/worker-resources.js';

const parse = (worker_resources: unknown) =>
  DefaultsSchema.safeParse({ orchestrator: 'kubernetes', kubernetes: { image: 'x:1', worker_resources } });

const issuesOf = (worker_resources: unknown): string[] =>
  parse(worker_resources).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('kubernetes.worker_resources', () => {
  it('defaults to 50m CPU and 160Mi requested, a 256Mi memory limit and no CPU limit', () => {
    const parsed = DefaultsSchema.parse({ orchestrator: 'kubernetes', kubernetes: { image: 'x:1' } });
    expect(parsed.kubernetes?.worker_resources).toEqual({
      requests: { cpu: '50m', memory: '160Mi' },
      limits: { memory: '256Mi' },
    });
  });

  it('takes requests and limits as given', () => {
    const given = { requests: { cpu: '0.25', memory: '300Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(parse(given).data?.kubernetes?.worker_resources).toEqual(given);
  });

  it('refuses what is not a Kubernetes quantity, naming the key', () => {
    expect(issuesOf({ requests: { memory: '160MB' } })).toEqual([
      'kubernetes.worker_resources.requests.memory: a memory quantity in bytes with a unit, e.g. "160Mi", "1Gi", "500M", greater than 0',
    ]);
    expect(issuesOf({ limits: { cpu: '-1' } })[0]).toMatch(
      /^kubernetes\.worker_resources\.limits\.cpu: a CPU quantity/,
    );
    expect(issuesOf({ limits: { cpu: '0m' } })[0]).toMatch(
      /^kubernetes\.worker_resources\.limits\.cpu: a CPU quantity/,
    );
    expect(issuesOf({ request: {} })[0]).toMatch(/^kubernetes\.worker_resources: /);
    expect(issuesOf({ limits: { gpu: '1' } })[0]).toMatch(/^kubernetes\.worker_resources\.limits: /);
  });

  it('refuses a request above its limit', () => {
    expect(issuesOf({ requests: { memory: '512Mi' }, limits: { memory: '256Mi' } })).toEqual([
      'kubernetes.worker_resources.requests.memory: at most the limit 256Mi',
    ]);
    expect(issuesOf({ requests: { cpu: '1500m' }, limits: { cpu: '1' } })).toEqual([
      'kubernetes.worker_resources.requests.cpu: at most the limit 1',
    ]);
    expect(issuesOf({ requests: { memory: '1G' }, limits: { memory: '1Gi' } })).toEqual([]);
  });

  it('reads quantities as Kubernetes does', () => {
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('1.5')).toBe(1500);
    expect(memoryBytes('160Mi')).toBe(160 * 2 ** 20);
    expect(memoryBytes('500M')).toBe(500e6);
    expect(memoryBytes('4096')).toBe(4096);
  });
});
