// One MySQL connection of a project's login with its server's TLS settings, as the sync's pool
// uses them (mysql-ssl.ts): `preferred` falls back to plain when the server offers no TLS.
import mysql from 'mysql2/promise';
import type { MysqlServerSettings } from '../config/mysql-servers.js';
import { defaultCaSources, mysqlTlsOptions, type CaSources, type MysqlTlsOptions } from './mysql-ssl.js';

export interface MysqlLogin {
  /** The server and the TLS settings that apply to it: a project's `EffectiveConfig.mysql`. */
  server: MysqlServerSettings & { host: string; port: number };
  user: string;
  password: string;
  connectTimeoutSeconds: number;
}

/** A single connection (not a pool), optionally with a default database. */
export async function openMysqlConnection(
  login: MysqlLogin,
  options: { database?: string; caSources?: CaSources } = {},
): Promise<mysql.Connection> {
  const { server } = login;
  const open = (tls: MysqlTlsOptions | undefined): Promise<mysql.Connection> =>
    mysql.createConnection({
      host: server.host,
      port: server.port,
      user: login.user,
      password: login.password,
      ...(options.database === undefined ? {} : { database: options.database }),
      connectTimeout: login.connectTimeoutSeconds * 1000,
      ...tls,
    });
  const tls = mysqlTlsOptions(server, options.caSources ?? defaultCaSources);
  try {
    return await open(tls);
  } catch (error) {
    if (server.tls === 'preferred' && tls !== undefined && hasErrorCode(error, 'HANDSHAKE_NO_SSL_SUPPORT'))
      return open(undefined);
    throw error;
  }
}

/** True when the error, or one of its causes (5 deep), carries this `code`. */
export function hasErrorCode(error: unknown, code: string): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    if ((e as { code?: unknown }).code === code) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
