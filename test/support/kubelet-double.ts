// A test double for the kubelet only: no kubelet runs in the tests, so this marks the pods that
// kube-controller-manager created Running and Ready through the API, as a kubelet reports a
// container whose readiness probe passed. The API server, the controllers and the creator's
// apply logic stay real; which pods "pass their probe" is the test's choice.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';

export interface KubeletDouble {
  /** Pods for which `passes` is false stay not ready, as a worker whose databases never answer. */
  setPasses(passes: (pod: V1Pod) => boolean): void;
  stop(): Promise<void>;
}

export function startKubeletDouble(kubeconfig: string, namespace: string): KubeletDouble {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const core = config.makeApiClient(CoreV1Api);
  let passes: (pod: V1Pod) => boolean = () => true;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/name=db-proxy' });
        for (const pod of pods.items) {
          if (pod.metadata?.deletionTimestamp || !passes(pod)) continue;
          if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
          const now = new Date();
          const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
          const container = pod.spec?.containers[0];
          pod.status = {
            phase: 'Running',
            startTime: now,
            conditions: [
              condition('PodScheduled'),
              condition('Initialized'),
              condition('ContainersReady'),
              condition('Ready'),
            ],
            containerStatuses: [
              {
                name: container?.name ?? 'worker',
                image: container?.image ?? '',
                imageID: '',
                ready: true,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: now } },
              },
            ],
          };
          await core
            .replaceNamespacedPodStatus({ name: pod.metadata!.name!, namespace, body: pod })
            .catch(() => undefined); // a conflict: the pod changed, the next round sees it again
        }
      } catch {
        // The API server is going away at the end of a test; the next round (if any) retries.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    setPasses(next) {
      passes = next;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
