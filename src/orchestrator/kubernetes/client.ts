// The creator's only door to the Kubernetes API: read, server-side apply (field manager
// db-proxy) and delete of namespaced objects, and the list of the workers' Deployments. API
// access from a kubeconfig path or the pod's in-cluster service account.
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import type { KubernetesSettings } from '../../config/defaults-schema.js';
import { DbProxyError } from '../../errors.js';
import { FIELD_MANAGER } from './manifests.js';

/** A Kubernetes API call that failed; the message names the call, the status and the API's reason. */
export class KubernetesError extends DbProxyError {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options: { cause?: unknown } = {}) {
    super('KUBERNETES_FAILED', message, options);
    this.status = status;
  }
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface KubernetesClient {
  read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Server-side apply with force: db-proxy owns the fields it sets, whoever edited them since. */
  apply<T extends KubernetesObject>(object: T): Promise<T>;
  /** Deletes the object; true when it existed. */
  remove(ref: ObjectRef): Promise<boolean>;
  listDeployments(namespace: string, labelSelector: string): Promise<V1Deployment[]>;
}

export function loadKubeConfig(settings: Pick<KubernetesSettings, 'kubeconfig'>): KubeConfig {
  const config = new KubeConfig();
  try {
    if (settings.kubeconfig) config.loadFromFile(settings.kubeconfig);
    else config.loadFromCluster();
  } catch (error) {
    const from = settings.kubeconfig ? `the kubeconfig ${settings.kubeconfig}` : "the pod's service account";
    throw new KubernetesError(`cannot load the Kubernetes API access from ${from}: ${describe(error)}`, undefined, {
      cause: error,
    });
  }
  if (!config.getCurrentCluster()) {
    throw new KubernetesError(
      settings.kubeconfig
        ? `the kubeconfig ${settings.kubeconfig} has no current cluster`
        : 'not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST); set kubernetes.kubeconfig in defaults.json',
      undefined,
    );
  }
  return config;
}

function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message =
      typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
        ? body.message
        : undefined;
    return `${error.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function createKubernetesClient(config: KubeConfig): KubernetesClient {
  const api = KubernetesObjectApi.makeApiClient(config);
  const server = config.getCurrentCluster()?.server ?? 'the API server';
  const fail = (what: string, error: unknown): never => {
    throw new KubernetesError(`Kubernetes API ${server}: ${what} failed: ${describe(error)}`, statusOf(error), {
      cause: error,
    });
  };
  const header = (ref: ObjectRef) => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  });
  const label = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;
  return {
    async read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined> {
      try {
        return await api.read<T>(header(ref));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return fail(`reading ${label(ref)}`, error);
      }
    },
    async apply<T extends KubernetesObject>(object: T): Promise<T> {
      try {
        return await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      } catch (error) {
        return fail(`applying ${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`, error);
      }
    },
    async remove(ref: ObjectRef): Promise<boolean> {
      try {
        // Background: the Deployment goes at once, the garbage collector removes its ReplicaSets and pods.
        await api.delete(header(ref), undefined, undefined, undefined, undefined, 'Background');
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        return fail(`deleting ${label(ref)}`, error);
      }
    },
    async listDeployments(namespace: string, labelSelector: string): Promise<V1Deployment[]> {
      try {
        const list = await api.list<V1Deployment>(
          'apps/v1',
          'Deployment',
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
        );
        return list.items;
      } catch (error) {
        return fail(`listing the Deployments of ${namespace}`, error);
      }
    },
  };
}

const clients = new Map<string, KubernetesClient>();

/** One client per API access: the creator reads defaults.json per request, but connects once. */
export function kubernetesClientFor(settings: Pick<KubernetesSettings, 'kubeconfig'>): KubernetesClient {
  const key = settings.kubeconfig ?? '(in-cluster)';
  let client = clients.get(key);
  if (!client) {
    client = createKubernetesClient(loadKubeConfig(settings));
    clients.set(key, client);
  }
  return client;
}
