// Everything a sync needs to start: the request, the private defaults merged under it, the credentials.
import { ConfigError } from '../errors.js';
import type { Request } from '../request/schema.js';
import { credentialsPath, loadCredentials, type Credentials } from './credentials.js';
import { mergeConfig, type EffectiveConfig } from './effective.js';
import { loadDefaults } from './load-defaults.js';

export interface Project {
  config: EffectiveConfig;
  credentials: Credentials;
}

export async function loadProject(request: Request, configDir: string): Promise<Project> {
  const defaults = await loadDefaults(configDir);
  const merged = mergeConfig(request, defaults);
  if (!merged.ok)
    throw new ConfigError(`the request cannot run with the private defaults:\n  ${merged.issues.join('\n  ')}`);
  const credentials = await loadCredentials(credentialsPath(configDir));
  return { config: merged.value, credentials };
}
