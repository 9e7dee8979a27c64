// workerStateOf / rolloutOf: a Deployment's status read as a unit state, and the rollout verdict.
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { rolloutOf, workerStateOf } from '../../../src/orchestrator/kubernetes/deployment-state.js';

function deployment(status: V1Deployment['status'], generation = 2, hash = 'h2'): V1Deployment {
  return {
    metadata: { name: 'd', generation, annotations: { 'db-proxy/config-hash': hash } },
    spec: { replicas: 1, selector: {}, template: {} },
    status,
  };
}

const available = { type: 'Available', status: 'True' };
const progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };

describe('rolloutOf', () => {
  it('is ready once the controller saw the generation and the one new pod is ready', () => {
    const ready = { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
    expect(rolloutOf(deployment({ ...ready, conditions: [available, progressing] }), 'h2').state).toBe('ready');
  });

  it('is pending while the controller has not seen the new generation, or the new pod is not ready', () => {
    const old = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
    expect(rolloutOf(deployment({ ...old, conditions: [available] }), 'h2').state).toBe('pending');
    const notReady = { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 };
    expect(rolloutOf(deployment({ ...notReady, conditions: [] }), 'h2').state).toBe('pending');
  });

  it('fails when the progress deadline passed, the Deployment is gone or carries another hash', () => {
    const stuck = {
      observedGeneration: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }],
    };
    const verdict = rolloutOf(deployment(stuck), 'h2');
    expect(verdict.state).toBe('failed');
    expect(verdict.worker.detail).toContain('too slow');
    expect(rolloutOf(undefined, 'h2').state).toBe('failed');
    expect(rolloutOf(deployment({ observedGeneration: 2 }, 2, 'other'), 'h2').state).toBe('failed');
  });
});

describe('workerStateOf', () => {
  it("speaks systemd's words for status and the monitor", () => {
    expect(workerStateOf(undefined).activeState).toBe('inactive');
    const ready = { readyReplicas: 1, conditions: [available, progressing] };
    expect(workerStateOf(deployment(ready))).toMatchObject({ activeState: 'active', subState: 'running' });
    expect(workerStateOf(deployment({ conditions: [progressing] })).activeState).toBe('activating');
    const failed = { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expect(workerStateOf(deployment(failed))).toMatchObject({
      activeState: 'failed',
      subState: 'ProgressDeadlineExceeded',
    });
  });
});
