// The orchestrator port on Kubernetes: per project a ConfigMap and a Deployment, applied with
// server-side apply; readiness from the Deployment's rollout; the previous state is the objects
// as they were, re-applied on restore.
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { z } from 'zod';
import type { KubernetesSettings } from '../../config/defaults-schema.js';
import type { Observed, Orchestrator, Prepared, ProjectTarget, Readiness } from '../port.js';
import type { KubernetesClient, ObjectRef } from './client.js';
import { rolloutOf, workerStateOf } from './deployment-state.js';
import { HASH_ANNOTATION, buildManifests, resourceName, type ProjectManifests } from './manifests.js';

export type KubernetesPrepared = Prepared & { manifests: ProjectManifests };

const ObjectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string() }),
});

const PreviousSchema = z.object({ configMap: ObjectSchema.nullable(), deployment: ObjectSchema.nullable() });
export type KubernetesPrevious = z.infer<typeof PreviousSchema>;

/** Our part of an object read back: what applying it again restores (not status, not server fields). */
function applicable(object: V1ConfigMap | V1Deployment | undefined): KubernetesPrevious['configMap'] {
  if (!object?.metadata?.name || !object.metadata.namespace || !object.apiVersion || !object.kind) return null;
  // Annotations of others (the controller's revision) are not ours to set.
  const annotations = Object.fromEntries(
    Object.entries(object.metadata.annotations ?? {}).filter(([key]) => key.startsWith('db-proxy/')),
  );
  const body = 'data' in object ? { data: object.data ?? {} } : { spec: (object as V1Deployment).spec };
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      labels: object.metadata.labels ?? {},
      annotations,
    },
    ...body,
  };
}

export interface KubernetesAdapterOptions {
  settings: KubernetesSettings;
  client: KubernetesClient;
  /** Between reads of the Deployment while waiting for readiness. */
  pollMs?: number;
}

export function kubernetesOrchestrator(
  options: KubernetesAdapterOptions,
): Orchestrator<KubernetesPrepared, KubernetesPrevious> {
  const { settings, client } = options;
  const namespace = settings.namespace;
  const refs = (database: string): { configMap: ObjectRef; deployment: ObjectRef } => {
    const name = resourceName(database);
    return {
      configMap: { apiVersion: 'v1', kind: 'ConfigMap', name, namespace },
      deployment: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace },
    };
  };
  const workerName = (database: string): string => `deployment/${resourceName(database)}`;
  const removeBoth = async (database: string): Promise<void> => {
    const { configMap, deployment } = refs(database);
    await client.remove(deployment);
    await client.remove(configMap);
  };

  return {
    kind: 'kubernetes',
    previousSchema: PreviousSchema,
    workerName,
    prepare(target: ProjectTarget): KubernetesPrepared {
      const manifests = buildManifests(target.request, target.effective, target.defaults, settings);
      return {
        database: target.request.database,
        worker: workerName(target.request.database),
        configHash: manifests.configHash,
        manifests,
      };
    },
    refusal: () => undefined,
    async observe(database: string): Promise<Observed<KubernetesPrevious>> {
      const ref = refs(database);
      const [configMap, deployment] = await Promise.all([
        client.read<V1ConfigMap>(ref.configMap),
        client.read<V1Deployment>(ref.deployment),
      ]);
      return {
        exists: configMap !== undefined || deployment !== undefined,
        // The Deployment controller keeps its worker running: there is nothing for the creator to start.
        running: deployment !== undefined,
        state: workerStateOf(deployment),
        previous: { configMap: applicable(configMap), deployment: applicable(deployment) },
      };
    },
    isCurrent(prepared, observed): boolean {
      // Both objects, of this hash: one deleted or edited by hand is applied again.
      const { configMap, deployment } = observed.previous;
      const hashOf = (object: KubernetesPrevious['configMap']): unknown =>
        (object?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[HASH_ANNOTATION];
      return hashOf(configMap) === prepared.configHash && hashOf(deployment) === prepared.configHash;
    },
    async activate(prepared: KubernetesPrepared): Promise<void> {
      // The ConfigMap first: the new pod reads it when it starts.
      await client.apply(prepared.manifests.configMap);
      await client.apply(prepared.manifests.deployment);
    },
    // restore() applies the previous objects at once; Recreate stops the new pod before the old one starts.
    withdraw: () => Promise.resolve(),
    async awaitReady(prepared: KubernetesPrepared): Promise<Readiness> {
      const deadline = Date.now() + settings.ready_timeout_seconds * 1000;
      const ref = refs(prepared.database).deployment;
      for (;;) {
        const rollout = rolloutOf(await client.read<V1Deployment>(ref), prepared.configHash);
        if (rollout.state === 'ready') return { state: 'ready', worker: rollout.worker };
        if (rollout.state === 'failed' || Date.now() >= deadline) {
          const what = rollout.state === 'failed' ? 'failed' : 'did not become ready in time';
          return {
            state: 'failed',
            worker: rollout.worker,
            reasons: [`the worker ${prepared.worker} ${what}: ${rollout.worker.detail}`],
          };
        }
        await sleep(options.pollMs ?? 500);
      }
    },
    deactivate: removeBoth,
    async restore(database: string, previous: KubernetesPrevious): Promise<void> {
      const ref = refs(database);
      if (previous.configMap) await client.apply(previous.configMap);
      else await client.remove(ref.configMap);
      if (previous.deployment) await client.apply(previous.deployment);
      else await client.remove(ref.deployment);
    },
    rolledBack(database: string, previous: KubernetesPrevious): string {
      return previous.deployment
        ? `rolled back: ${workerName(database)} runs the previous configuration`
        : `rolled back: nothing was left of ${database} in the cluster`;
    },
  };
}
