// Runs the built CLI (dist/cli/main.js) as operators do, for integration tests: to completion
// with runCli, or as a long-running process (e.g. `sync`) with spawnCli.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

// Settings the test process may have inherited (a systemd unit, an operator's shell) that would
// change where the CLI reads its configuration or how it logs; a test passes them explicitly.
const withoutAmbientSettings: Record<string, undefined> = {
  JOURNAL_STREAM: undefined,
  INVOCATION_ID: undefined,
  CREDENTIALS_DIRECTORY: undefined,
  DB_PROXY_CONFIG_DIR: undefined,
  DB_PROXY_STATE_DIR: undefined,
  DB_PROXY_DEBUG: undefined,
};

export interface CliOptions {
  /** Added to (and overriding) the test process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin. */
  input?: string;
  /** Milliseconds before the CLI is killed; runCli default 60 000, spawnCli default none. */
  timeout?: number;
}

export interface CliResult {
  /** Undefined when the process was killed by a signal. */
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

/** Runs `db-proxy ...args` to completion; never rejects on a non-zero exit. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await spawnCli(args, { ...options, timeout: options.timeout ?? 60_000 });
  return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts `db-proxy ...args` and returns the execa subprocess: kill it with `.kill()`, await it for
 * the result; `stdout`, `stderr` and interleaved `all` are captured.
 */
export function spawnCli(args: readonly string[], options: CliOptions = {}) {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} does not exist: run \`npm run build\` before these tests`);
  return execa(process.execPath, [cliPath, ...args], {
    cwd: projectRoot,
    env: { ...withoutAmbientSettings, ...options.env },
    input: options.input,
    timeout: options.timeout,
    all: true,
    reject: false,
  });
}
