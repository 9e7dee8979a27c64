// The mysql section of defaults.json: its shape, and which TLS mode, CA file and credentials apply to a server.
import { describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { parseDefaultsText } from '../../src/config/load-defaults.js';
import { resolveMysqlServer, isLoopback } from '../../src/config/mysql-servers.js';

const section = (mysql: object) => DefaultsSchema.parse({ mysql }).mysql;
const at = (host: string, port = 3306) => ({ host, port });

const ISSUE_EXAMPLE = {
  tls: 'verify-identity',
  servers: {
    'awsdb.example.internal:3306': {
      tls: 'verify-identity',
      ca_file: '/etc/db-proxy/tls/rds-ca.pem',
      credentials: 'awsdb',
    },
    '127.0.0.1:3307': { tls: 'disabled' },
  },
};

describe('resolveMysqlServer', () => {
  it('defaults to verify-identity against the system CA store, preferred for loopback', () => {
    expect(resolveMysqlServer(section({}), at('db.example.internal'))).toEqual({
      entry: null,
      tls: 'verify-identity',
      tls_set_by: 'the default',
      ca_file: null,
      ca_file_set_by: null,
      credentials: null,
    });
    for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', 'LOCALHOST'])
      expect(resolveMysqlServer(section({}), at(host)).tls).toBe('preferred');
    expect(resolveMysqlServer(section({}), at('128.0.0.1')).tls).toBe('verify-identity');
  });

  it('takes the entry of the server, matched with or without the default port, host case-insensitively', () => {
    const mysql = section(ISSUE_EXAMPLE);
    for (const address of [at('awsdb.example.internal'), at('AWSDB.example.internal', 3306)]) {
      expect(resolveMysqlServer(mysql, address)).toEqual({
        entry: 'awsdb.example.internal:3306',
        tls: 'verify-identity',
        tls_set_by: 'mysql.servers."awsdb.example.internal:3306".tls',
        ca_file: '/etc/db-proxy/tls/rds-ca.pem',
        ca_file_set_by: 'mysql.servers."awsdb.example.internal:3306".ca_file',
        credentials: 'awsdb',
      });
    }
    expect(resolveMysqlServer(mysql, at('127.0.0.1', 3307)).tls).toBe('disabled');
    // Another port of a listed host is another server: the section's default applies.
    expect(resolveMysqlServer(mysql, at('awsdb.example.internal', 3307))).toMatchObject({
      entry: null,
      tls: 'verify-identity',
      tls_set_by: 'mysql.tls',
      credentials: null,
    });
  });

  it('lets an entry without tls inherit the section mode and CA file', () => {
    const mysql = section({ tls: 'verify-ca', ca_file: 'aws-rds', servers: { 'db.internal': { credentials: 'db' } } });
    expect(resolveMysqlServer(mysql, at('db.internal', 3306))).toEqual({
      entry: 'db.internal',
      tls: 'verify-ca',
      tls_set_by: 'mysql.tls',
      ca_file: 'aws-rds',
      ca_file_set_by: 'mysql.ca_file',
      credentials: 'db',
    });
  });
});

describe('the mysql section of defaults.json', () => {
  it('accepts the documented shape', () => {
    expect(() => section(ISSUE_EXAMPLE)).not.toThrow();
  });

  it('names the field, what was given and what is expected', () => {
    const text = JSON.stringify({
      mysql: {
        tls: 'strict',
        servers: {
          'db:99999': {},
          'a.example:3306': { ca_file: 'relative.pem', credentials: '../root', tls: 'verify-identity', user: 'x' },
          'A.example': {},
        },
      },
    });
    let message = '';
    try {
      parseDefaultsText(text, '/etc/db-proxy/defaults.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'mysql.tls: got "strict" (string); expected one of "disabled", "preferred", "required", "verify-ca", "verify-identity"',
    );
    expect(message).toContain(
      'mysql.servers."a.example:3306".ca_file: got "relative.pem" (string); expected an absolute path',
    );
    expect(message).toContain(
      'mysql.servers."a.example:3306".credentials: got "../root" (string); expected a name of 1-64 characters',
    );
    expect(message).toContain('mysql.servers."a.example:3306".user: unknown key');
  });

  it('refuses bad server keys and two entries for one server', () => {
    const result = DefaultsSchema.safeParse({
      mysql: { servers: { 'db:99999': {}, 'a.example:3306': {}, 'A.example': {} } },
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((issue) => `${issue.path.join('|')}: ${issue.message}`);
    expect(issues).toContain(
      'mysql|servers|db:99999: a key "host" or "host:port": a host name or IPv4 address, optional port 1-65535',
    );
    expect(issues).toContain('mysql|servers|A.example: one entry per server: "a.example:3306" names the same server');
  });
});

describe('isLoopback', () => {
  it('knows localhost and 127.0.0.0/8 only', () => {
    expect(['localhost', 'db.localhost', '127.0.0.1', '127.255.0.9'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['localhost.example.com', '10.0.0.1', '0.0.0.0', 'mylocalhost'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
