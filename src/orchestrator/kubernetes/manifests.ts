// The Kubernetes objects of one project, as pure functions: a ConfigMap with the effective
// configuration (no secrets) and a Deployment of one worker, both labelled and carrying the hash
// that tells a changed project from an unchanged one.
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import type { Defaults, KubernetesSettings } from '../../config/defaults-schema.js';
import type { EffectiveConfig } from '../../config/effective.js';
import { canonicalJson } from '../../creator/project-files.js';
import type { Request } from '../../request/schema.js';
import { DEFAULT_MYSQL_PORT, parseServer } from '../../request/server.js';

export const FIELD_MANAGER = 'db-proxy';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const PROJECT_LABEL = 'db-proxy/project';
export const HASH_ANNOTATION = 'db-proxy/config-hash';
export const DATABASE_ANNOTATION = 'db-proxy/database';
/** Where the ConfigMap is mounted: the worker's configuration directory and project folder at once. */
export const CONFIG_MOUNT = '/etc/db-proxy';
export const CREDENTIALS_MOUNT = '/run/secrets/db-proxy';
export const RUN_MOUNT = '/run/db-proxy';
export const READY_FILE = `${RUN_MOUNT}/ready`;
export const ALIVE_FILE = `${RUN_MOUNT}/alive`;
/** The key of the administrator's Secret: a credentials.env as on a systemd host. */
export const CREDENTIALS_KEY = 'credentials.env';
/** The image's user (Containerfile): not root, no login. */
const WORKER_UID = 10001;

export interface ProjectManifests {
  database: string;
  /** Name of both objects: `db-proxy-<slug>-<hash of the exact database name>`. */
  name: string;
  namespace: string;
  configHash: string;
  configMap: V1ConfigMap;
  deployment: V1Deployment;
}

/** Lower-case DNS characters of a name, cut to `max`; distinct names may give the same slug. */
function slug(text: string, max: number): string {
  const cut = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
  return cut === '' ? 'x' : cut;
}

/**
 * The label value and name suffix of a database: a readable slug plus a hash of the exact name,
 * because `Site_A`, `site-a` and `site.a` are three databases but one slug.
 */
export function projectKey(database: string): string {
  return `${slug(database, 40)}-${createHash('sha256').update(database).digest('hex').slice(0, 8)}`;
}

export function resourceName(database: string): string {
  return `db-proxy-${projectKey(database)}`;
}

/** The Secret holding credentials.env for the project's MySQL server: named in defaults.json, else by convention. */
export function credentialsSecretName(server: string, settings: KubernetesSettings): string {
  const address = parseServer(server);
  if (!address) throw new Error(`server ${JSON.stringify(server)} is not "host" or "host:port"`);
  for (const [key, name] of Object.entries(settings.credentials_secrets ?? {})) {
    const other = parseServer(key);
    if (other && other.host.toLowerCase() === address.host.toLowerCase() && other.port === address.port) return name;
  }
  const port = address.port === DEFAULT_MYSQL_PORT ? '' : `-${address.port}`;
  return `db-proxy-credentials-${slug(address.host, 63 - 'db-proxy-credentials-'.length - port.length)}${port}`;
}

/**
 * The defaults a worker merges its request over: the administrator's, without the orchestrator's
 * part, and without per-server credentials files: in a pod the Secret of the server is its
 * credentials.env.
 */
function workerDefaults(defaults: Defaults): Omit<Defaults, 'orchestrator' | 'kubernetes' | 'projects_dir'> {
  const { orchestrator: _orchestrator, kubernetes: _kubernetes, projects_dir: _projects, ...rest } = defaults;
  const servers = Object.fromEntries(
    Object.entries(rest.mysql.servers).map(([server, { credentials: _credentials, ...settings }]) => [
      server,
      settings,
    ]),
  );
  return { ...rest, mysql: { ...rest.mysql, servers } };
}

export function buildManifests(
  request: Request,
  effective: EffectiveConfig,
  defaults: Defaults,
  settings: KubernetesSettings,
): ProjectManifests {
  const database = request.database;
  const name = resourceName(database);
  const namespace = settings.namespace;
  const selector = { [NAME_LABEL]: 'db-proxy', [PROJECT_LABEL]: projectKey(database) };
  const labels = {
    ...selector,
    'app.kubernetes.io/component': 'worker',
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
  };
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels, annotations: { [DATABASE_ANNOTATION]: database } },
    data: {
      'request.json': `${JSON.stringify(request, null, 2)}\n`,
      'effective.json': `${JSON.stringify(effective, null, 2)}\n`,
      'defaults.json': `${JSON.stringify(workerDefaults(defaults), null, 2)}\n`,
    },
  };
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, annotations: { [DATABASE_ANNOTATION]: database } },
    spec: {
      replicas: 1,
      // Never two workers of one project at once: the old pod is gone before the new one starts.
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: Math.max(1, Math.ceil(settings.ready_timeout_seconds)),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations: { [DATABASE_ANNOTATION]: database } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: WORKER_UID,
            runAsGroup: WORKER_UID,
            fsGroup: WORKER_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'worker',
              image: settings.image,
              args: ['--config-dir', CONFIG_MOUNT, 'worker', CONFIG_MOUNT],
              env: [
                // credentials.env is read from here, as from systemd's LoadCredential= directory.
                { name: 'CREDENTIALS_DIRECTORY', value: CREDENTIALS_MOUNT },
                { name: 'DB_PROXY_READY_FILE', value: READY_FILE },
                { name: 'DB_PROXY_ALIVE_FILE', value: ALIVE_FILE },
                // The worker touches the alive file at a third of this, as it notifies systemd's watchdog.
                { name: 'WATCHDOG_USEC', value: '60000000' },
                { name: 'DB_PROXY_LOG_STREAM', value: 'stdout' },
                { name: 'DB_PROXY_UNIT', value: `deployment/${name}` },
              ],
              // READY as under systemd: both databases answered; the worker writes the file only then.
              readinessProbe: {
                exec: { command: ['test', '-f', READY_FILE] },
                periodSeconds: 2,
                failureThreshold: 1,
              },
              // WatchdogSec=60: a worker whose event loop stopped no longer touches the file and is restarted.
              livenessProbe: {
                exec: { command: ['sh', '-c', `test -n "$(find ${ALIVE_FILE} -mmin -1)"`] },
                initialDelaySeconds: 60,
                periodSeconds: 20,
                failureThreshold: 3,
              },
              resources: {
                requests: { ...settings.worker_resources.requests },
                limits: { ...settings.worker_resources.limits },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
                { name: 'credentials', mountPath: CREDENTIALS_MOUNT, readOnly: true },
                { name: 'run', mountPath: RUN_MOUNT },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name } },
            {
              name: 'credentials',
              // 0440: the worker refuses a credentials file that others may read.
              secret: {
                secretName: credentialsSecretName(request.server, settings),
                items: [{ key: CREDENTIALS_KEY, path: CREDENTIALS_KEY }],
                defaultMode: 0o440,
              },
            },
            { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
          ],
        },
      },
    },
  };
  const configHash = createHash('sha256').update(canonicalJson({ configMap, deployment })).digest('hex').slice(0, 16);
  configMap.metadata!.annotations![HASH_ANNOTATION] = configHash;
  deployment.metadata!.annotations![HASH_ANNOTATION] = configHash;
  // In the pod template too: a changed ConfigMap alone must roll the worker, which reads it at start.
  deployment.spec!.template.metadata!.annotations![HASH_ANNOTATION] = configHash;
  return { database, name, namespace, configHash, configMap, deployment };
}
