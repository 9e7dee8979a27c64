// Where the private configuration and the state live: flag, else environment, else the system default.

export const DEFAULT_CONFIG_DIR = '/etc/db-proxy';
export const DEFAULT_STATE_DIR = '/var/lib/db-proxy';

export interface DirOptions {
  configDir?: string | undefined;
  stateDir?: string | undefined;
}

export function resolveConfigDir(options: DirOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.configDir ?? nonEmpty(env.DB_PROXY_CONFIG_DIR) ?? DEFAULT_CONFIG_DIR;
}

export function resolveStateDir(options: DirOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.stateDir ?? nonEmpty(env.DB_PROXY_STATE_DIR) ?? DEFAULT_STATE_DIR;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
