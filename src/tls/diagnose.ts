// Turns a failed MySQL connection into an operator's sentence when TLS is the cause: which side
// refused, why, and the setting of defaults.json to look at. Pure.
import { serverField, type MysqlServerSettings } from '../config/mysql-servers.js';

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  sqlMessage?: unknown;
  cause?: unknown;
}

/** MySQL 5.7+/MariaDB: ER_SECURE_TRANSPORT_REQUIRED (3159 in MySQL, 4036 in MariaDB). */
const SECURE_TRANSPORT_ERRNOS = new Set([3159, 4036]);

const UNKNOWN_AUTHORITY = [
  /unable to verify the first certificate/i,
  /unable to get local issuer certificate/i,
  /unable to get issuer certificate/i,
  /self[- ]signed certificate/i,
  /certificate signature failure/i,
];

/**
 * `facts.refusesPlain`: the server was asked (secure-transport.ts) and requires TLS.
 * `TLS: certificate signed by an unknown authority (mysql.servers."h:p".ca_file)` and the like,
 * or undefined when the failure is not about TLS. `server` is `host:port`.
 */
export function diagnoseMysqlTls(
  error: unknown,
  settings: MysqlServerSettings,
  server: string,
  facts: { refusesPlain?: boolean } = {},
): string | undefined {
  for (const e of causes(error)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = String(e.sqlMessage ?? e.message ?? '');
    if (
      (facts.refusesPlain === true && code === 'ER_ACCESS_DENIED_ERROR') ||
      code === 'ER_SECURE_TRANSPORT_REQUIRED' ||
      (typeof e.errno === 'number' && SECURE_TRANSPORT_ERRNOS.has(e.errno)) ||
      /require_secure_transport/i.test(message)
    ) {
      return (
        `the server refuses connections without TLS (require_secure_transport=ON), and ${settings.tls_set_by} is ` +
        `"${settings.tls}"; set ${entryField(settings, server)}.tls to "verify-identity" (or "required")`
      );
    }
    if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
      return (
        `TLS: the server does not offer TLS, and ${settings.tls_set_by} is "${settings.tls}", which requires it; ` +
        `enable TLS on the server (or set ${entryField(settings, server)}.tls to "preferred")`
      );
    }
    if (code === 'HANDSHAKE_SSL_ERROR' || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || isX509(code)) {
      return `TLS: ${explainHandshake(message, settings, server)}`;
    }
  }
  return undefined;
}

function explainHandshake(message: string, settings: MysqlServerSettings, server: string): string {
  const caSetting =
    settings.ca_file_set_by ?? `the system CA store; set ${entryField(settings, server)}.ca_file to the server's CA`;
  if (/does not match certificate's altnames|is not in the cert's/i.test(message)) {
    const detail = message.replace(/^Hostname\/IP does not match certificate's altnames:\s*/i, '');
    return (
      `the server's certificate does not carry the host name connected to (${detail.trim()}) (${settings.tls_set_by} is ` +
      `"${settings.tls}"; name the server as its certificate does, or use "verify-ca")`
    );
  }
  if (UNKNOWN_AUTHORITY.some((pattern) => pattern.test(message)))
    return `certificate signed by an unknown authority (${caSetting})`;
  if (/certificate has expired/i.test(message)) return `the server's certificate has expired`;
  if (/certificate is not yet valid/i.test(message))
    return `the server's certificate is not valid yet (check the clocks)`;
  return `handshake failed: ${message} (${settings.tls_set_by} is "${settings.tls}")`;
}

/** The entry a fix belongs in: the matched one, else a new one for this server. */
function entryField(settings: MysqlServerSettings, server: string): string {
  return serverField(settings.entry ?? server);
}

function isX509(code: string): boolean {
  return /^(?:UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH)/.test(code);
}

function* causes(error: unknown): Generator<ErrorLike> {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    yield current;
    current = (current as ErrorLike).cause;
  }
}
