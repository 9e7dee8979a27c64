// The administrator's private defaults (defaults.json): every key optional, with a description and a default.
import { z } from 'zod';
import { LISTEN_EXPECTATION, parseListenAddress } from '../health/listen-address.js';
import { SAFE_IDENTIFIER_EXPECTATION, isSafeIdentifier } from '../request/identifiers.js';
import { SERVER_EXPECTATION, parseServer } from '../request/server.js';
import { MysqlSectionSchema } from './mysql-servers.js';
import { WorkerResourcesSchema } from './worker-resources.js';

const identifier = z
  .string({ error: SAFE_IDENTIFIER_EXPECTATION })
  .refine(isSafeIdentifier, { error: SAFE_IDENTIFIER_EXPECTATION });

const positiveSeconds = (fallback: number, description: string) =>
  z
    .number({ error: 'a number of seconds greater than 0' })
    .positive({ error: 'a number of seconds greater than 0' })
    .default(fallback)
    .describe(description);

const positiveInt = (fallback: number, description: string) =>
  z
    .number({ error: 'a whole number greater than 0' })
    .int({ error: 'a whole number greater than 0' })
    .positive({ error: 'a whole number greater than 0' })
    .default(fallback)
    .describe(description);

export const SourceSchemaSchema = z
  .strictObject(
    {
      cycle_table: identifier.default('extraction_cycle').describe('Extraction cycle table.'),
      cycle_wave_counter: identifier.default('wave_counter').describe('Its wave counter column (unix seconds).'),
      cycle_monitory_name: identifier.default('monitory_name').describe('Its monitory name column.'),
      cycle_interval: identifier.default('extraction_interval').describe('Its extraction interval column (seconds).'),
      measure_wave_counter: identifier.default('wave_counter').describe("The measures table's wave counter column."),
      measure_point_id: identifier.default('point_id').describe("The measures table's point id column."),
      measure_point_value: identifier.default('point_value').describe("The measures table's value column."),
      measure_change_column: identifier
        .optional()
        .describe(
          'Optional: a column of the measures table that grows with every insert, set by the server (an AUTO_INCREMENT id, or a TIMESTAMP/DATETIME defaulting to the current time). Inserts at any age are then found by reading past a cursor on it.',
        ),
    },
    { error: 'an object of table and column names' },
  )
  .prefault({});

export const SyncTuningSchema = z
  .strictObject(
    {
      rescan_window_seconds: z
        .number({ error: 'a number of seconds, 0 or more' })
        .min(0, { error: 'a number of seconds, 0 or more' })
        .optional()
        .describe(
          'Ignored, accepted so that older defaults.json files still load: late measures are now found at any age by the digest checks (check_age_fraction, reconcile_interval_seconds).',
        ),
      check_age_fraction: z
        .number({ error: 'a number greater than 0 and at most 1' })
        .positive({ error: 'a number greater than 0 and at most 1' })
        .max(1, { error: 'a number greater than 0 and at most 1' })
        .default(0.1)
        .describe(
          'A wave of age A is digest-checked at least every A × this (waves younger than sleep_time ÷ this every cycle), so a change to it reaches MongoDB within about max(2 × sleep_time, A × this).',
        ),
      reconcile_interval_seconds: positiveSeconds(
        21_600,
        'Every wave in retention is digest-checked at least once in this time, whatever its age.',
      ),
      change_lookback_seconds: positiveSeconds(
        60,
        'With source.measure_change_column: the cursor only passes values seen at least this long ago, so rows committed out of order (a lower id or timestamp committed after a higher one) by transactions shorter than this are read.',
      ),
      retention_interval_seconds: positiveSeconds(
        3600,
        'Retention (deleting documents older than the lower bound) runs at most once in this time per collection, one batch per cycle.',
      ),
      digest_waves_per_query: positiveInt(
        512,
        'Cycle rows of due waves one MySQL query checks, each with its digest (one small row each).',
      ),
      waves_per_query: positiveInt(64, 'Waves read from MySQL per query; bounds memory.'),
      writes_in_flight: positiveInt(2, 'Bulk writes to MongoDB under way at once while the next batch is read.'),
      delete_batch_size: positiveInt(1000, 'Documents deleted per batch by retention.'),
      retry_initial_seconds: positiveSeconds(1, 'First delay after a failed cycle.'),
      retry_max_seconds: positiveSeconds(60, 'Cap of the exponential backoff after failed cycles.'),
      connect_timeout_seconds: positiveSeconds(10, 'Connection and server selection timeout for MySQL and MongoDB.'),
      query_timeout_seconds: positiveSeconds(
        120,
        'A MySQL query without an answer in this time (a lock, a dead network) is abandoned and its connection closed; the cycle fails and is retried.',
      ),
    },
    { error: 'an object of sync settings' },
  )
  .prefault({});

/** A DNS-1123 label: Kubernetes namespaces and Secret names of this shape are valid everywhere. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsLabel = z
  .string({ error: 'a DNS label: 1-63 characters from a-z 0-9 -, starting and ending with a letter or digit' })
  .regex(DNS_LABEL, {
    error: 'a DNS label: 1-63 characters from a-z 0-9 -, starting and ending with a letter or digit',
  });

export const KubernetesSettingsSchema = z.strictObject(
  {
    namespace: dnsLabel
      .default('db-proxy')
      .describe('Namespace of the workers (and of the creator that applies them).'),
    image: z
      .string({ error: 'a container image reference, e.g. "registry.example/db-proxy:0.1.0"' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/, {
        error: 'a container image reference, e.g. "registry.example/db-proxy:0.1.0"',
      })
      .describe("The worker's image, built from the Containerfile."),
    kubeconfig: z
      .string({ error: 'the path of a kubeconfig file' })
      .min(1, { error: 'the path of a kubeconfig file' })
      .optional()
      .describe("API access from this kubeconfig; default: the pod's in-cluster service account."),
    credentials_secrets: z
      .record(
        z.string().refine((value) => parseServer(value) !== undefined, { error: SERVER_EXPECTATION }),
        dnsLabel,
        { error: 'an object mapping a MySQL server ("host" or "host:port") to a Secret name' },
      )
      .optional()
      .describe('Secret (key credentials.env) per MySQL server; default db-proxy-credentials-<host>.'),
    ready_timeout_seconds: positiveSeconds(
      120,
      'How long a new or changed worker may take to become ready before the change is rolled back.',
    ),
    worker_resources: WorkerResourcesSchema,
  },
  { error: 'an object of Kubernetes settings' },
);

export const DefaultsSchema = z
  .strictObject(
    {
      unit_prefix: identifier.default('db-proxy').describe('Prefix of the systemd units: <prefix>@<database>.service.'),
      projects_dir: z
        .string({ error: 'a directory path' })
        .min(1, { error: 'a directory path' })
        .optional()
        .describe('Where project folders live; default <state dir>/projects.'),
      debug: z
        .boolean({ error: 'true or false' })
        .default(false)
        .describe('Debug mode: timings per stage in the logs.'),
      log_level: z
        .enum(['error', 'warn', 'info', 'debug'], { error: 'one of "error", "warn", "info", "debug"' })
        .default('info')
        .describe('Lowest level logged.'),
      heartbeat_interval_seconds: positiveSeconds(60, 'Seconds between heartbeats of a worker.'),
      heartbeat_overdue_seconds: positiveSeconds(7200, 'A heartbeat older than this makes the monitor alert.'),
      metrics_listen: z
        .string({ error: LISTEN_EXPECTATION })
        .refine((value) => parseListenAddress(value) !== undefined, { error: LISTEN_EXPECTATION })
        .optional()
        .describe('Where `db-proxy monitor` serves Prometheus metrics (host:port); off when unset.'),
      mongo_database: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: 'a MongoDB database name: 1-63 characters from A-Z a-z 0-9 _ -' })
        .default('db_proxy')
        .describe('MongoDB database holding the pivot collections.'),
      source: SourceSchemaSchema.describe('Table and column names of the MySQL source.'),
      allowed_servers: z
        .array(
          z
            .string({ error: SERVER_EXPECTATION })
            .refine((value) => parseServer(value) !== undefined, { error: SERVER_EXPECTATION }),
          {
            error: 'a list of MySQL servers, each "host" or "host:port"',
          },
        )
        .optional()
        .describe('If set, requests may only name these MySQL servers.'),
      sync: SyncTuningSchema.describe('Sync engine tuning.'),
      mysql: MysqlSectionSchema.describe('TLS and credentials per MySQL server.'),
      orchestrator: z
        .enum(['systemd', 'kubernetes'], { error: 'one of "systemd", "kubernetes"' })
        .optional()
        .describe('Where the workers run: systemd units on this host (the default) or Deployments on Kubernetes.'),
      kubernetes: KubernetesSettingsSchema.optional().describe('Required when orchestrator is "kubernetes".'),
    },
    { error: 'a JSON object' },
  )
  .superRefine((defaults, context) => {
    if (defaults.orchestrator === 'kubernetes' && defaults.kubernetes === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['kubernetes'],
        input: undefined,
        message: 'an object with at least "image" when orchestrator is "kubernetes"',
      });
    }
  });

export type Defaults = z.infer<typeof DefaultsSchema>;
export type KubernetesSettings = z.infer<typeof KubernetesSettingsSchema>;
export type SourceSchema = z.infer<typeof SourceSchemaSchema>;
export type SyncTuning = z.infer<typeof SyncTuningSchema>;
