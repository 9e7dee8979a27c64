// TLS failures told as such: the error shapes are those mysql2 and Node produce (seen in
// test/integration/tls/mysql-tls.test.ts against a real server).
import { describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { resolveMysqlServer } from '../../src/config/mysql-servers.js';
import { diagnoseMysqlTls } from '../../src/tls/diagnose.js';

const server = 'awsdb.example.internal:3306';
const listed = resolveMysqlServer(
  DefaultsSchema.parse({
    mysql: { servers: { [server]: { tls: 'verify-identity', ca_file: '/etc/db-proxy/tls/rds-ca.pem' } } },
  }).mysql,
  { host: 'awsdb.example.internal', port: 3306 },
);
const unlisted = resolveMysqlServer(DefaultsSchema.parse({}).mysql, { host: 'db.example.internal', port: 3306 });

/** What source.ts throws: its own error with mysql2's as the cause. */
function wrapped(cause: object): Error {
  return new Error('MySQL x: connecting failed: …', {
    cause: Object.assign(new Error(String((cause as { message?: string }).message)), cause),
  });
}

describe('diagnoseMysqlTls', () => {
  it('says the certificate is signed by an unknown authority, naming the ca_file setting', () => {
    for (const message of [
      'self-signed certificate in certificate chain',
      'unable to verify the first certificate',
      'unable to get local issuer certificate',
    ]) {
      expect(diagnoseMysqlTls(wrapped({ code: 'HANDSHAKE_SSL_ERROR', message }), listed, server)).toBe(
        'TLS: certificate signed by an unknown authority (mysql.servers."awsdb.example.internal:3306".ca_file)',
      );
    }
    expect(
      diagnoseMysqlTls(
        wrapped({ code: 'HANDSHAKE_SSL_ERROR', message: 'unable to verify the first certificate' }),
        unlisted,
        'db.example.internal:3306',
      ),
    ).toBe(
      'TLS: certificate signed by an unknown authority (the system CA store; set mysql.servers."db.example.internal:3306".ca_file to the server\'s CA)',
    );
  });

  it('says the certificate does not carry the host name', () => {
    const message =
      "Hostname/IP does not match certificate's altnames: Host: awsdb.example.internal. is not in the cert's altnames: DNS:other.example";
    expect(diagnoseMysqlTls(wrapped({ code: 'HANDSHAKE_SSL_ERROR', message }), listed, server)).toBe(
      "TLS: the server's certificate does not carry the host name connected to (Host: awsdb.example.internal. is not in the cert's altnames: DNS:other.example) " +
        '(mysql.servers."awsdb.example.internal:3306".tls is "verify-identity"; name the server as its certificate does, or use "verify-ca")',
    );
  });

  it('names require_secure_transport: MySQL says so itself, MariaDB only after asking', () => {
    const disabled = { ...listed, tls: 'disabled' as const };
    const mysqlSays = {
      code: 'ER_SECURE_TRANSPORT_REQUIRED',
      errno: 3159,
      message: 'Connections using insecure transport are prohibited while --require_secure_transport=ON.',
    };
    expect(diagnoseMysqlTls(wrapped(mysqlSays), disabled, server)).toMatch(
      /^the server refuses connections without TLS \(require_secure_transport=ON\), and mysql\.servers\."awsdb\.example\.internal:3306"\.tls is "disabled"/,
    );
    const denied = { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, message: "Access denied for user 'u'@'h'" };
    expect(diagnoseMysqlTls(wrapped(denied), disabled, server)).toBeUndefined();
    expect(diagnoseMysqlTls(wrapped(denied), disabled, server, { refusesPlain: true })).toMatch(
      /require_secure_transport=ON/,
    );
  });

  it('says when a server offers no TLS but the mode requires it', () => {
    expect(
      diagnoseMysqlTls(
        wrapped({ code: 'HANDSHAKE_NO_SSL_SUPPORT', message: 'Server does not support secure connection' }),
        unlisted,
        'db.example.internal:3306',
      ),
    ).toBe(
      'TLS: the server does not offer TLS, and the default is "verify-identity", which requires it; enable TLS on the server (or set mysql.servers."db.example.internal:3306".tls to "preferred")',
    );
  });

  it('leaves other failures alone', () => {
    expect(
      diagnoseMysqlTls(wrapped({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }), listed, server),
    ).toBeUndefined();
    expect(
      diagnoseMysqlTls(wrapped({ code: 'ER_ACCESS_DENIED_ERROR', message: 'Access denied' }), listed, server),
    ).toBeUndefined();
    expect(diagnoseMysqlTls('not an error', listed, server)).toBeUndefined();
  });
});
