// Asks a MySQL server that refused a plain login whether it requires TLS: MariaDB answers such a
// login with "Access denied" and no word of require_secure_transport (MySQL says so, errno 3159).
import mysql from 'mysql2/promise';

export interface ProbeTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  connectTimeoutSeconds: number;
}

/** true when the same login succeeds over TLS and the server has require_secure_transport=ON. */
export async function refusesPlainConnections(target: ProbeTarget): Promise<boolean> {
  let connection: mysql.Connection | undefined;
  try {
    // Not verified: the password was just offered without TLS at all, this is no weaker.
    connection = await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      connectTimeout: target.connectTimeoutSeconds * 1000,
      ssl: { rejectUnauthorized: false },
    });
    const [rows] = await connection.query('SELECT @@require_secure_transport AS required');
    const value = (rows as { required?: unknown }[])[0]?.required;
    return value === 1 || value === '1' || value === 'ON';
  } catch {
    return false;
  } finally {
    connection?.destroy();
  }
}
