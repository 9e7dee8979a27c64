// The unit states of status and the monitor when the workers run on Kubernetes: read from the
// conditions of the projects' Deployments (one list call), in systemd's words.
import type { Defaults } from '../config/defaults-schema.js';
import { workerStateOf } from '../orchestrator/kubernetes/deployment-state.js';
import { NAME_LABEL, resourceName } from '../orchestrator/kubernetes/manifests.js';
import type { ProjectInfo, UnitInfo } from './status.js';

export async function kubernetesUnitStates(
  defaults: Defaults,
  projects: readonly ProjectInfo[],
): Promise<Map<string, UnitInfo>> {
  if (!defaults.kubernetes) throw new Error('defaults.json has orchestrator "kubernetes" but no "kubernetes" settings');
  const { kubernetesClientFor } = await import('../orchestrator/kubernetes/client.js');
  const client = kubernetesClientFor(defaults.kubernetes);
  const deployments = await client.listDeployments(defaults.kubernetes.namespace, `${NAME_LABEL}=db-proxy`);
  const byName = new Map(deployments.map((deployment) => [deployment.metadata?.name, deployment]));
  const units = new Map<string, UnitInfo>();
  for (const project of projects) {
    const state = workerStateOf(byName.get(resourceName(project.database)));
    units.set(project.unit, { activeState: state.activeState, subState: state.subState });
  }
  return units;
}
