// The worker's start-up check of its MySQL user: one warning, naming the privileges, when the
// user may do more than SELECT on the project's tables. Never fails the worker.
import type { Project } from '../config/load-project.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { openMysqlConnection } from '../tls/mysql-connection.js';
import { excessPrivileges } from './grants.js';

/** The warning for these SHOW GRANTS lines, or undefined when the user has only SELECT there. */
export function privilegeWarning(lines: readonly string[], { config, credentials }: Project): string | undefined {
  const tables = [config.source.cycle_table, config.request.measures];
  const { privileges, grants } = excessPrivileges(lines, { database: config.mysql.database, tables });
  if (privileges.length === 0) return undefined;
  const where = tables.map((table) => `${config.mysql.database}.${table}`).join(', ');
  return (
    `the MySQL user ${credentials.MYSQL_USER} can do more than SELECT on ${where}: ${privileges.join(', ')} ` +
    `(${grants.join('; ')}); db-proxy needs only SELECT there: grant a user only that (README, "Least-privilege users")`
  );
}

export async function warnExcessPrivileges(project: Project, logger: Logger): Promise<void> {
  try {
    const lines = await showGrants(project);
    const warning = privilegeWarning(lines, project);
    if (warning) logger.warn(warning);
  } catch (error) {
    // The check is advice; a server that refuses SHOW GRANTS does not stop the sync.
    logger.debug(`privileges of the MySQL user not checked: ${describeError(error)}`);
  }
}

async function showGrants({ config, credentials }: Project): Promise<string[]> {
  const connection = await openMysqlConnection({
    server: config.mysql,
    user: credentials.MYSQL_USER,
    password: credentials.MYSQL_PASSWORD,
    connectTimeoutSeconds: config.sync.connect_timeout_seconds,
  });
  try {
    const [rows] = await connection.query({ sql: 'SHOW GRANTS', rowsAsArray: true });
    return (rows as unknown[][]).map((row) => String(row[0]));
  } finally {
    connection.destroy();
  }
}
