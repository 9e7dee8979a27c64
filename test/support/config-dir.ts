// Temporary private configuration for CLI tests: defaults.json, a 0600 credentials.env, a reader.env, and a
// state dir, as an administrator would lay them out under /etc/db-proxy and /var/lib/db-proxy.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ConfigDirOptions {
  mongoUrl: string;
  /** Contents of defaults.json; default `{}`. */
  defaults?: object;
  /** Default `root`, the test MariaDB's user. */
  mysqlUser?: string;
  /** Default empty, the test MariaDB's root password. */
  mysqlPassword?: string;
  /** MONGO_READ_URL of reader.env (query, the library); default `mongoUrl`; null: no reader.env. */
  readerUrl?: string | null;
}

export interface ConfigDir {
  dir: string;
  stateDir: string;
  /** Removes both directories. */
  cleanup(): Promise<void>;
}

export async function makeConfigDir(options: ConfigDirOptions): Promise<ConfigDir> {
  const dir = await mkdtemp(join(tmpdir(), 'dbp-config-'));
  const stateDir = await mkdtemp(join(tmpdir(), 'dbp-state-'));
  const cleanup = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'defaults.json'), `${JSON.stringify(options.defaults ?? {}, null, 2)}\n`);
    const credentials = [
      `MONGO_URL=${options.mongoUrl}`,
      `MYSQL_USER=${options.mysqlUser ?? 'root'}`,
      `MYSQL_PASSWORD=${options.mysqlPassword ?? ''}`,
    ];
    // 0600 like the real file: the product may refuse credentials readable by others.
    await writeFile(join(dir, 'credentials.env'), `${credentials.join('\n')}\n`, { mode: 0o600 });
    const readerUrl = options.readerUrl === undefined ? options.mongoUrl : options.readerUrl;
    if (readerUrl !== null) await writeFile(join(dir, 'reader.env'), `MONGO_READ_URL=${readerUrl}\n`, { mode: 0o640 });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, stateDir, cleanup };
}
