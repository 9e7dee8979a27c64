// What a Deployment's status says about its worker, pure: the rollout of a given configuration
// (ready, failed, still pending) and the unit-like state that status and the monitor show.
import type { V1Deployment } from '@kubernetes/client-node';
import type { WorkerState } from '../port.js';
import { HASH_ANNOTATION } from './manifests.js';

function condition(deployment: V1Deployment, type: string) {
  return deployment.status?.conditions?.find((c) => c.type === type);
}

/** `active/running`, `activating/…`, `failed/ProgressDeadlineExceeded`, `inactive/scaled-to-zero`. */
export function workerStateOf(deployment: V1Deployment | undefined): WorkerState {
  if (!deployment) return { activeState: 'inactive', subState: 'absent', detail: 'no Deployment' };
  const status = deployment.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const progressing = condition(deployment, 'Progressing');
  const available = condition(deployment, 'Available');
  const counts = `replicas ${status.replicas ?? 0}, updated ${status.updatedReplicas ?? 0}, ready ${ready}`;
  if (deployment.spec?.replicas === 0) {
    return { activeState: 'inactive', subState: 'scaled-to-zero', detail: 'the Deployment has 0 replicas' };
  }
  if (progressing?.status === 'False') {
    return {
      activeState: 'failed',
      subState: progressing.reason ?? 'not-progressing',
      detail: `${progressing.message ?? progressing.reason ?? 'the rollout stopped progressing'} (${counts})`,
    };
  }
  if (ready >= 1 && available?.status === 'True') {
    return { activeState: 'active', subState: 'running', detail: `ready: the worker's databases answer (${counts})` };
  }
  return {
    activeState: 'activating',
    subState: progressing?.reason ?? 'starting',
    detail: `waiting for the worker to become ready (${counts})`,
  };
}

/** Where a rollout stands: `pending` until the controller and the pod are done. */
export type Rollout = { state: 'ready' | 'failed' | 'pending'; worker: WorkerState };

/**
 * The rollout of the configuration `configHash`: ready once the controller saw this generation and
 * its one pod, of the new template, is ready and no old pod is left (Recreate).
 */
export function rolloutOf(deployment: V1Deployment | undefined, configHash: string): Rollout {
  const worker = workerStateOf(deployment);
  if (!deployment) return { state: 'failed', worker: { ...worker, detail: 'the Deployment is gone' } };
  if (deployment.metadata?.annotations?.[HASH_ANNOTATION] !== configHash) {
    return { state: 'failed', worker: { ...worker, detail: 'the Deployment was changed by someone else meanwhile' } };
  }
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) {
    return { state: 'pending', worker: { ...worker, activeState: 'activating', subState: 'rollout-pending' } };
  }
  if (worker.activeState === 'failed') return { state: 'failed', worker };
  const done =
    status.updatedReplicas === 1 &&
    status.readyReplicas === 1 &&
    (status.availableReplicas ?? 0) >= 1 &&
    (status.replicas ?? 0) === 1;
  return { state: done ? 'ready' : 'pending', worker };
}
