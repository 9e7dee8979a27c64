// The worker's preflight against a MariaDB with require_secure_transport=ON: it connects with the
// server's TLS settings, as the sync does, and a TLS failure is named as one (not a finding).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceSchemaSchema } from '../../../src/config/defaults-schema.js';
import { MysqlSectionSchema, resolveMysqlServer } from '../../../src/config/mysql-servers.js';
import { SourceError } from '../../../src/errors.js';
import { runPreflight, type MysqlAccess } from '../../../src/preflight/preflight.js';
import { sourceTablesDdl } from '../../support/mysql.js';
import { startTlsMariadb, type TlsMariadb } from '../../support/tls-mariadb.js';

const user = 'dbp_tls_preflight';
const password = `Pf-${randomBytes(8).toString('hex')}`;
const database = `dbp_tls_pf_${randomBytes(4).toString('hex')}`;
const schema = SourceSchemaSchema.parse({});

describe('preflight over TLS', () => {
  let server: TlsMariadb | undefined;

  beforeAll(async () => {
    server = await startTlsMariadb();
    await server.sql(`
      CREATE DATABASE \`${database}\`;
      USE \`${database}\`;
      ${sourceTablesDdl('TL_measures').join(';\n')};
      CREATE USER '${user}'@'%' IDENTIFIED BY '${password}';
      GRANT SELECT ON \`${database}\`.* TO '${user}'@'%';
    `);
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** The access of the TLS server named `host`, with this `mysql` section of defaults.json. */
  function access(host: string, section: object): MysqlAccess {
    const address = { host, port: server!.port };
    return {
      server: { ...address, ...resolveMysqlServer(MysqlSectionSchema.parse(section), address) },
      user,
      password,
      connectTimeoutSeconds: 5,
    };
  }

  const target = (host: string) => ({
    server: `${host}:${server!.port}`,
    database,
    measures: 'TL_measures',
    schema,
  });

  it('finds nothing wrong with verify-identity and the CA that signed the certificate', async () => {
    const findings = await runPreflight(
      access('localhost', { tls: 'verify-identity', ca_file: server!.ca.caFile }),
      target('localhost'),
    );
    expect(findings).toEqual({ issues: [], warnings: [] });
  });

  it('finds nothing wrong with the loopback default (preferred), which uses the TLS the server offers', async () => {
    expect(await runPreflight(access('127.0.0.1', {}), target('127.0.0.1'))).toEqual({ issues: [], warnings: [] });
  });

  it('names a TLS failure as one: an error to look at, not a finding', async () => {
    const failed = runPreflight(
      access('localhost', { tls: 'verify-identity', ca_file: server!.otherCa.caFile }),
      target('localhost'),
    );
    await expect(failed).rejects.toBeInstanceOf(SourceError);
    await expect(failed).rejects.toThrow(
      `MySQL localhost:${server!.port}: TLS: certificate signed by an unknown authority (mysql.ca_file)`,
    );
    await expect(failed).rejects.not.toThrow(password);
  });
});
