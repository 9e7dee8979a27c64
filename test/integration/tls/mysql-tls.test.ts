// MySQL over TLS against a second MariaDB with a certificate from a CA made here and
// require_secure_transport=ON: verify-identity with the CA syncs; another CA, a host name the
// certificate does not carry and `disabled` fail with a message naming the cause and the setting.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { makeConfigDir, type ConfigDir } from '../../support/config-dir.js';
import { connectMongo, freshMongoDatabaseName } from '../../support/mongo.js';
import { sourceTablesDdl } from '../../support/mysql.js';
import { startTlsMariadb, type TlsMariadb } from '../../support/tls-mariadb.js';

const user = 'dbp_tls_reader';
const password = `Tls-${randomBytes(8).toString('hex')}`;
const database = `dbp_tls_${randomBytes(4).toString('hex')}`;
const now = Math.floor(Date.now() / 1000);

describe('MySQL over TLS', () => {
  let server: TlsMariadb | undefined;
  const configs: ConfigDir[] = [];
  const mongoDatabases: string[] = [];

  beforeAll(async () => {
    server = await startTlsMariadb();
    const waves = [now - 600, now - 300];
    await server.sql(`
      CREATE DATABASE \`${database}\`;
      USE \`${database}\`;
      ${sourceTablesDdl('TL_measures').join(';\n')};
      INSERT INTO extraction_cycle VALUES ${waves.map((w) => `(${w}, 'Extraction_1_dev_a', 300)`).join(', ')};
      INSERT INTO TL_measures (wave_counter, point_id, point_value) VALUES ${waves.map((w) => `(${w}, 'AHU-1.SupplyTemp', 13.5), (${w}, 'Zone-101.CO2', 600)`).join(', ')};
      CREATE USER '${user}'@'%' IDENTIFIED BY '${password}';
      GRANT SELECT ON \`${database}\`.* TO '${user}'@'%';
    `);
  });

  afterAll(async () => {
    await server?.stop();
    const mongo = await connectMongo(inject('mongoUrl'));
    try {
      for (const name of mongoDatabases) await mongo.db(name).dropDatabase();
    } finally {
      await mongo.close();
    }
    await Promise.allSettled(configs.map((config) => config.cleanup()));
  });

  /** `sync --once` of the TLS server's database, named as `host`, with this `mysql` section. */
  async function syncWith(
    host: string,
    mysql: object,
  ): Promise<{ exitCode: number | undefined; stderr: string; stdout: string }> {
    const mongoDatabase = freshMongoDatabaseName();
    mongoDatabases.push(mongoDatabase);
    const config = await makeConfigDir({
      mongoUrl: inject('mongoUrl'),
      defaults: { mongo_database: mongoDatabase, mysql },
      mysqlUser: user,
      mysqlPassword: password,
    });
    configs.push(config);
    const request = join(config.dir, 'request.json');
    await writeFile(
      request,
      JSON.stringify({
        wave_counter_threshold: 0,
        delete_old_value: 30,
        monitory_name_kept: ['Extraction_1_dev_a'],
        measures: 'TL_measures',
        database,
        server: host,
        sleep_time: 1,
      }),
    );
    const result = await runCli(['--config-dir', config.dir, 'sync', '--once', request]);
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);
    return result;
  }

  it('syncs with verify-identity and the CA that signed the certificate', async () => {
    const host = `localhost:${server!.port}`;
    const result = await syncWith(host, {
      servers: { [host]: { tls: 'verify-identity', ca_file: server!.ca.caFile } },
    });
    expect(result.stderr).not.toMatch(/error|warn/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/: 2 document\(s\) written/);
  });

  it('syncs with verify-ca by IP address (the host name is not checked) and with required', async () => {
    const ip = `127.0.0.1:${server!.port}`;
    const byCa = await syncWith(ip, { tls: 'verify-ca', ca_file: server!.ca.caFile });
    expect(byCa.stderr).not.toMatch(/error|warn/);
    expect(byCa.exitCode).toBe(0);
    const required = await syncWith(ip, { servers: { [ip]: { tls: 'required' } } });
    expect(required.exitCode).toBe(0);
  });

  it('fails clearly when the certificate is signed by another CA', async () => {
    const host = `localhost:${server!.port}`;
    const result = await syncWith(host, {
      servers: { [host]: { tls: 'verify-identity', ca_file: server!.otherCa.caFile } },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `MySQL ${host}: TLS: certificate signed by an unknown authority (mysql.servers."${host}".ca_file)`,
    );
  });

  it('fails clearly against the system CA store, which does not know the test CA', async () => {
    const host = `localhost:${server!.port}`;
    const result = await syncWith(host, { tls: 'verify-identity' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `MySQL ${host}: TLS: certificate signed by an unknown authority (the system CA store; set mysql.servers."${host}".ca_file`,
    );
  });

  it('fails clearly when the certificate does not carry the host name connected to', async () => {
    const ip = `127.0.0.1:${server!.port}`;
    const result = await syncWith(ip, { servers: { [ip]: { tls: 'verify-identity', ca_file: server!.ca.caFile } } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `MySQL ${ip}: TLS: the server's certificate does not carry the host name connected to`,
    );
    expect(result.stderr).toContain('127.0.0.1');
    expect(result.stderr).toContain(`mysql.servers."${ip}".tls is "verify-identity"`);
  });

  it('names require_secure_transport when TLS is disabled', async () => {
    const host = `localhost:${server!.port}`;
    const result = await syncWith(host, { servers: { [host]: { tls: 'disabled' } } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `MySQL ${host}: the server refuses connections without TLS (require_secure_transport=ON), and mysql.servers."${host}".tls is "disabled"`,
    );
  });

  it('says so when a server without TLS is asked for it', async () => {
    // The shared test MariaDB on 3306 has no TLS; an empty database answers the connection check.
    const empty = await syncWith('127.0.0.1:3306', { servers: { '127.0.0.1': { tls: 'required' } } });
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toContain(
      'MySQL 127.0.0.1:3306: TLS: the server does not offer TLS, and mysql.servers."127.0.0.1".tls is "required"',
    );
  });
});
