// Reads what the preflight checks from MySQL's catalog (information_schema), and tries a SELECT
// of every configured column, as the project's own user and over the server's TLS settings, as
// the sync connects. A server that does not answer is a SourceError (it may come back);
// everything else is a finding.
import type mysql from 'mysql2/promise';
import { SourceError, describeError } from '../errors.js';
import { quoteMysqlIdentifier as q } from '../request/identifiers.js';
import { diagnoseMysqlTls } from '../tls/diagnose.js';
import { openMysqlConnection, type MysqlLogin } from '../tls/mysql-connection.js';
import type { Catalog, PreflightTarget } from './check.js';

/** The project's MySQL login and its server's TLS settings. */
export type MysqlAccess = MysqlLogin;

/** Errors that say the server cannot be used right now, not that the configuration is wrong. */
function unreachable(access: MysqlAccess, target: PreflightTarget, error: unknown): SourceError {
  const { server } = access;
  const tls = diagnoseMysqlTls(error, server, `${server.host}:${server.port}`);
  if (tls !== undefined) return new SourceError(`MySQL ${target.server}: ${tls}`, { cause: error });
  const code = (error as { code?: string }).code;
  return new SourceError(`MySQL ${target.server}: ${code ? `${code}: ` : ''}${describeError(error)}`, { cause: error });
}

/** A connection as the sync opens one; a failure to connect is `unreachable`. */
async function connect(access: MysqlAccess, target: PreflightTarget, database?: string): Promise<mysql.Connection> {
  try {
    return await openMysqlConnection(access, database === undefined ? {} : { database });
  } catch (error) {
    throw unreachable(access, target, error);
  }
}

export async function readCatalog(access: MysqlAccess, target: PreflightTarget): Promise<Catalog> {
  const connection = await connect(access, target);
  try {
    const rows = async (sql: string, params: string[]): Promise<Record<string, unknown>[]> =>
      (await connection.query(sql, params))[0] as Record<string, unknown>[];
    const schemas = (await rows('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA', [])).map((r) =>
      String(r.name),
    );
    const visibleDatabases = schemas.filter((name) => name !== 'information_schema').sort();
    // Exact comparison here: information_schema compares names case-insensitively.
    if (!schemas.includes(target.database)) {
      return { database: null, visibleDatabases, columns: new Map(), indexes: new Map() };
    }
    const tables = (
      await rows('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [target.database])
    )
      .map((r) => String(r.name))
      .sort();
    const columns = new Map<string, Map<string, string>>();
    for (const r of await rows(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY ORDINAL_POSITION',
      [target.database],
    )) {
      const table = String(r.t);
      if (!columns.has(table)) columns.set(table, new Map());
      columns.get(table)?.set(String(r.c), String(r.d).toLowerCase());
    }
    const byIndex = new Map<string, string[]>();
    for (const r of await rows(
      'SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
      [target.database],
    )) {
      const key = `${String(r.t)}\0${String(r.i)}`;
      byIndex.set(key, [...(byIndex.get(key) ?? []), String(r.c)]);
    }
    const indexes = new Map<string, string[][]>();
    for (const [key, cols] of byIndex) {
      const table = key.slice(0, key.indexOf('\0'));
      indexes.set(table, [...(indexes.get(table) ?? []), cols]);
    }
    return { database: { tables }, visibleDatabases, columns, indexes };
  } catch (error) {
    throw unreachable(access, target, error);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** SELECT … LIMIT 0 of the configured columns: the privilege the sync needs, checked as the sync will use it. */
export async function trySelect(
  access: MysqlAccess,
  target: PreflightTarget,
  checks: { field: string; table: string; columns: string[] }[],
): Promise<string[]> {
  const connection = await connect(access, target, target.database);
  const issues: string[] = [];
  try {
    for (const check of checks) {
      try {
        await connection.query(`SELECT ${check.columns.map(q).join(', ')} FROM ${q(check.table)} LIMIT 0`);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!/ACCESS_DENIED|_DENIED_ERROR/.test(code)) throw unreachable(access, target, error);
        issues.push(`${check.field}: the MySQL user cannot SELECT from ${check.table}: ${describeError(error)}`);
      }
    }
  } finally {
    await connection.end().catch(() => undefined);
  }
  return issues;
}
