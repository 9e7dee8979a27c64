// What the creator lays out for a project, as pure functions: the project folder's files, the
// drop-in, and the configuration hash that tells a changed project from an unchanged one.
import { createHash } from 'node:crypto';
import { DEFAULT_CREDENTIALS_NAME } from '../config/credentials.js';
import type { EffectiveConfig } from '../config/effective.js';
import { DEFAULT_CONFIG_DIR } from '../config/paths.js';
import type { Request } from '../request/schema.js';
import { projectUnitName } from '../systemd/escape.js';
import { renderTemplate } from '../systemd/render.js';

export const PROJECT_REQUEST_FILE = 'request.json';
export const PROJECT_EFFECTIVE_FILE = 'effective.json';
export const PROJECT_STATE_FILE = 'project.json';
export const DROP_IN_FILE = '10-project.conf';

export interface ProjectState {
  database: string;
  unit: string;
  config_hash: string;
  request_id: string;
  applied_at: string;
}

export interface ProjectPlan {
  database: string;
  unit: string;
  configHash: string;
  /** File name → content of the project folder. */
  files: Record<string, string>;
  dropIn: string;
}

/** Key order does not change the hash: the same settings submitted twice are "unchanged". */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a systemd project: its effective configuration and the drop-in template. */
export function systemdConfigHash(effective: EffectiveConfig, dropInTemplate: string): string {
  return createHash('sha256')
    .update(canonicalJson(effective))
    .update('\0')
    .update(dropInTemplate)
    .digest('hex')
    .slice(0, 16);
}

/** The files of a project folder, whatever runs its worker: the request, the merged configuration, the record. */
export function projectFolderFiles(
  request: Request,
  effective: EffectiveConfig,
  state: ProjectState,
): Record<string, string> {
  return {
    [PROJECT_REQUEST_FILE]: `${JSON.stringify(request, null, 2)}\n`,
    [PROJECT_EFFECTIVE_FILE]: `${JSON.stringify(effective, null, 2)}\n`,
    [PROJECT_STATE_FILE]: `${JSON.stringify(state, null, 2)}\n`,
  };
}

/** A systemd project's unit, hash and drop-in: what its unit runs. */
export function planDropIn(
  request: Request,
  effective: EffectiveConfig,
  dropInTemplate: string,
  configDir: string = DEFAULT_CONFIG_DIR,
): Omit<ProjectPlan, 'files'> {
  const configHash = systemdConfigHash(effective, dropInTemplate);
  const dropIn = renderDropIn(request, effective.unitPrefix, configHash, dropInTemplate, {
    configDir,
    mysqlCredentials: effective.mysql.credentials ?? DEFAULT_CREDENTIALS_NAME,
  });
  return {
    database: request.database,
    unit: projectUnitName(effective.unitPrefix, request.database),
    configHash,
    dropIn,
  };
}

/** Everything the creator lays out for a systemd project: the drop-in and the project folder. */
export function planProject(
  request: Request,
  effective: EffectiveConfig,
  dropInTemplate: string,
  requestId: string,
  now: Date = new Date(),
  configDir: string = DEFAULT_CONFIG_DIR,
): ProjectPlan {
  const plan = planDropIn(request, effective, dropInTemplate, configDir);
  const state: ProjectState = {
    database: request.database,
    unit: plan.unit,
    config_hash: plan.configHash,
    request_id: requestId,
    applied_at: now.toISOString(),
  };
  return { ...plan, files: projectFolderFiles(request, effective, state) };
}

/** Shown in the unit's Description= (systemctl status, journal): the first names, then a count. */
export function describeMonitories(names: readonly string[], shown = 5): string {
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** The drop-in of a project; also re-rendered from a project folder when its drop-in is gone (after a reinstall). */
export function renderDropIn(
  request: Request,
  unitPrefix: string,
  configHash: string,
  dropInTemplate: string,
  secrets: DropInSecrets,
): string {
  return renderTemplate(dropInTemplate, {
    database: request.database,
    measures: request.measures,
    monitories: describeMonitories(request.monitory_name_kept),
    server: request.server,
    syslogIdentifier: `${unitPrefix}-${request.database}`,
    configHash,
    ...secrets,
  });
}

/** Which secrets the project's unit loads: mongo.env and credentials.d/<mysqlCredentials>.env of configDir. */
export interface DropInSecrets {
  configDir: string;
  mysqlCredentials: string;
}

/** The MySQL login a project folder's effective.json names (recovery re-renders drop-ins from folders). */
export function mysqlCredentialsOf(effectiveJson: string | undefined): string {
  try {
    const value = (JSON.parse(effectiveJson ?? '') as { mysql?: { credentials?: unknown } }).mysql?.credentials;
    return typeof value === 'string' ? value : DEFAULT_CREDENTIALS_NAME;
  } catch {
    return DEFAULT_CREDENTIALS_NAME;
  }
}

export function parseProjectState(text: string): ProjectState | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProjectState>;
    return typeof value.config_hash === 'string' && typeof value.database === 'string'
      ? (value as ProjectState)
      : undefined;
  } catch {
    return undefined;
  }
}
