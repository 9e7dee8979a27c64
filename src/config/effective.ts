// The effective configuration of a project: the request merged over the private defaults. Pure.
import type { Request } from '../request/schema.js';
import { describeValue } from '../request/describe-value.js';
import { SERVER_EXPECTATION, parseServer, type ServerAddress } from '../request/server.js';
import { unitNameIssue } from '../request/unit-name.js';
import type { Defaults } from './defaults-schema.js';
import { resolveMysqlServer, type MysqlServerSettings } from './mysql-servers.js';

export interface EffectiveConfig {
  request: Request;
  mysql: ServerAddress & { database: string } & MysqlServerSettings;
  mongoDatabase: string;
  source: Defaults['source'];
  sync: Defaults['sync'];
  logLevel: Defaults['log_level'];
  debug: boolean;
  heartbeatIntervalSeconds: number;
  unitPrefix: string;
}

export type MergeResult = { ok: true; value: EffectiveConfig } | { ok: false; issues: string[] };

export function mergeConfig(request: Request, defaults: Defaults): MergeResult {
  const address = parseServer(request.server);
  if (!address)
    return { ok: false, issues: [`server: got ${describeValue(request.server)}; expected ${SERVER_EXPECTATION}`] };
  if (defaults.allowed_servers && !isAllowed(request.server, address, defaults.allowed_servers)) {
    return {
      ok: false,
      issues: [
        `server: got ${describeValue(request.server)}; expected one of the allowed servers: ${defaults.allowed_servers.join(', ')}`,
      ],
    };
  }
  const unitName = unitNameIssue(defaults.unit_prefix, request.database);
  if (unitName) return { ok: false, issues: [unitName] };
  return {
    ok: true,
    value: {
      request,
      mysql: { ...address, database: request.database, ...resolveMysqlServer(defaults.mysql, address) },
      mongoDatabase: defaults.mongo_database,
      source: defaults.source,
      sync: defaults.sync,
      logLevel: defaults.debug ? 'debug' : defaults.log_level,
      debug: defaults.debug,
      heartbeatIntervalSeconds: defaults.heartbeat_interval_seconds,
      unitPrefix: defaults.unit_prefix,
    },
  };
}

function isAllowed(text: string, address: ServerAddress, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const other = parseServer(entry);
    // Host names are case-insensitive (RFC 4343).
    return (
      entry === text ||
      (other !== undefined && other.host.toLowerCase() === address.host.toLowerCase() && other.port === address.port)
    );
  });
}

/**
 * The dotted paths where two JSON-like values differ (`sync.query_timeout_seconds`), sorted;
 * empty when they are equal. Arrays compare as wholes.
 */
export function differingPaths(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingPaths(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(the whole file)'];
}
