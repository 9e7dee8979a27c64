// Which adapter runs the workers, from defaults.json `orchestrator`: systemd units on this host
// (the default) or Kubernetes Deployments; the Kubernetes client is loaded only when it is used.
import type { Defaults } from '../config/defaults-schema.js';
import { projectUnitName } from '../systemd/escape.js';
import { resourceName } from './kubernetes/manifests.js';
import type { Orchestrator } from './port.js';
import { systemdOrchestrator, type SystemdHost, type SystemdOptions } from './systemd/adapter.js';

export type OrchestratorKind = Orchestrator['kind'];

export function orchestratorKind(defaults: Defaults): OrchestratorKind {
  return defaults.orchestrator ?? 'systemd';
}

/** The worker's name for a verdict before any adapter exists (a request that did not parse). */
export function workerNameOf(defaults: Defaults, database: string): string {
  return orchestratorKind(defaults) === 'systemd'
    ? projectUnitName(defaults.unit_prefix, database)
    : `deployment/${resourceName(database)}`;
}

export interface SelectOptions extends Omit<SystemdOptions, 'unitPrefix'> {
  systemd: SystemdHost;
}

/** The adapter of `kind`; throws (nothing was changed) when its settings or its API access are missing. */
export async function orchestratorFor(
  kind: OrchestratorKind,
  defaults: Defaults,
  options: SelectOptions,
): Promise<Orchestrator> {
  if (kind === 'systemd') {
    const { systemd, ...rest } = options;
    return systemdOrchestrator(systemd, { ...rest, unitPrefix: defaults.unit_prefix });
  }
  if (!defaults.kubernetes) throw new Error('defaults.json has no "kubernetes" settings');
  // Loaded on first use: a creator driving systemd never loads the Kubernetes client.
  const { kubernetesClientFor } = await import('./kubernetes/client.js');
  const { kubernetesOrchestrator } = await import('./kubernetes/adapter.js');
  return kubernetesOrchestrator({ settings: defaults.kubernetes, client: kubernetesClientFor(defaults.kubernetes) });
}
