// Everything a sync needs to start: the request, the private defaults merged under it, the credentials.
import { ConfigError } from '../errors.js';
import type { Request } from '../request/schema.js';
import { loadSyncCredentials, type SyncCredentials } from './credentials.js';
import { mergeConfig, type EffectiveConfig } from './effective.js';
import { loadDefaults } from './load-defaults.js';
import { serverField } from './mysql-servers.js';

export interface Project {
  config: EffectiveConfig;
  credentials: SyncCredentials;
}

export async function loadProject(request: Request, configDir: string): Promise<Project> {
  const defaults = await loadDefaults(configDir);
  const merged = mergeConfig(request, defaults);
  if (!merged.ok)
    throw new ConfigError(`the request cannot run with the private defaults:\n  ${merged.issues.join('\n  ')}`);
  const { mysql } = merged.value;
  const setting = `${serverField(mysql.entry ?? `${mysql.host}:${mysql.port}`)}.credentials`;
  const credentials = await loadSyncCredentials(configDir, mysql.credentials, setting);
  return { config: merged.value, credentials };
}
