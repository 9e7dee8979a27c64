// Reading the global options (--config-dir, --state-dir) from inside a subcommand.
import type { Command } from 'commander';
import { resolveConfigDir, resolveStateDir } from '../config/paths.js';

export interface GlobalOptions {
  configDir: string;
  stateDir: string;
  debug: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<{ configDir?: string; stateDir?: string; debug?: boolean }>();
  return {
    configDir: resolveConfigDir(opts),
    stateDir: resolveStateDir(opts),
    debug: opts.debug === true || process.env.DB_PROXY_DEBUG === '1',
  };
}
