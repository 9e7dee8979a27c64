// The worker's preflight against the real MariaDB: a source that works, and every way it cannot
// (database, table, column, type, privilege), each named by its field; a missing index warns;
// a server that does not answer is an error to retry, not a finding.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceSchemaSchema } from '../../../src/config/defaults-schema.js';
import { MysqlSectionSchema, resolveMysqlServer } from '../../../src/config/mysql-servers.js';
import { SourceError } from '../../../src/errors.js';
import { runPreflight, type MysqlAccess } from '../../../src/preflight/preflight.js';
import { connectMysqlRoot, createSourceDatabase, mysqlRoot, type SourceDatabase } from '../../support/mysql.js';

const schema = SourceSchemaSchema.parse({});
const address = { host: mysqlRoot.host, port: mysqlRoot.port };
// The loopback default, `preferred`: the shared MariaDB has no TLS, so the login falls back to plain.
const server = { ...address, ...resolveMysqlServer(MysqlSectionSchema.parse({}), address) };
const root: MysqlAccess = { server, user: mysqlRoot.user, password: mysqlRoot.password, connectTimeoutSeconds: 5 };
const target = (db: SourceDatabase, overrides: Partial<Parameters<typeof runPreflight>[1]> = {}) => ({
  server: '127.0.0.1:3306',
  database: db.name,
  measures: 'TL_measures',
  schema,
  ...overrides,
});

describe('preflight of a source', () => {
  let db: SourceDatabase;
  const user = `dbp_pf_${randomBytes(4).toString('hex')}`;
  const password = `pf-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    db = await createSourceDatabase();
    await db.connection.query(
      'CREATE TABLE hs_measures (wave_counter BIGINT, point_id VARCHAR(64), point_value VARCHAR(20))',
    );
    await db.connection.query('CREATE TABLE unindexed (wave_counter BIGINT, point_id VARCHAR(64), point_value DOUBLE)');
    const admin = await connectMysqlRoot();
    try {
      await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
      await admin.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [user, password]);
      for (const host of ['%', 'localhost']) {
        await admin.query(`GRANT SELECT ON \`${db.name}\`.extraction_cycle TO ?@?`, [user, host]);
      }
    } finally {
      await admin.end();
    }
  });

  afterAll(async () => {
    const admin = await connectMysqlRoot();
    for (const host of ['%', 'localhost']) await admin.query('DROP USER IF EXISTS ?@?', [user, host]);
    await admin.end();
    await db?.drop();
  });

  it('finds nothing wrong with the default schema', async () => {
    expect(await runPreflight(root, target(db))).toEqual({ issues: [], warnings: [] });
  });

  it('names a measures table that does not exist, and the tables there', async () => {
    const findings = await runPreflight(root, target(db, { measures: 'TL_measurez' }));
    expect(findings.issues).toEqual([
      `measures: table TL_measurez does not exist in ${db.name}; tables there: TL_measures, extraction_cycle, hs_measures, unindexed`,
    ]);
  });

  it('tells a table name in the wrong case from the table', async () => {
    const findings = await runPreflight(root, target(db, { measures: 'tl_measures' }));
    expect(findings.issues[0]).toMatch(/^measures: table tl_measures does not exist in /);
  });

  it('names a database that does not exist', async () => {
    const findings = await runPreflight(root, target(db, { database: `${db.name}_nope` }));
    expect(findings.issues).toHaveLength(1);
    expect(findings.issues[0]).toMatch(
      new RegExp(
        `^database: ${db.name}_nope does not exist on 127.0.0.1:3306 \\(or the MySQL user cannot see it\\); databases there: .*${db.name}`,
      ),
    );
  });

  it('names a configured column that does not exist, and one whose type cannot work', async () => {
    const renamed = await runPreflight(root, target(db, { schema: { ...schema, cycle_interval: 'interval_s' } }));
    expect(renamed.issues).toEqual([
      'source.cycle_interval: column interval_s does not exist in extraction_cycle; columns there: wave_counter, monitory_name, extraction_interval',
    ]);
    const typed = await runPreflight(root, target(db, { measures: 'hs_measures' }));
    expect(typed.issues).toEqual([
      'source.measure_point_value: column point_value of hs_measures is VARCHAR; expected a number type (DOUBLE)',
    ]);
  });

  it('warns of a wave counter column without an index', async () => {
    const findings = await runPreflight(root, target(db, { measures: 'unindexed' }));
    expect(findings).toEqual({
      issues: [],
      warnings: ['measures: no index of unindexed starts with wave_counter; every cycle will scan the table'],
    });
  });

  it('checks the change column: present, a whole number or a time, and indexed', async () => {
    const withChange = (measures: string, column: string) =>
      runPreflight(root, target(db, { measures, schema: { ...schema, measure_change_column: column } }));
    expect(await withChange('TL_measures', 'id')).toEqual({ issues: [], warnings: [] });
    expect((await withChange('TL_measures', 'row_id')).issues).toEqual([
      'source.measure_change_column: column row_id does not exist in TL_measures; columns there: id, wave_counter, point_id, point_value',
    ]);
    expect((await withChange('hs_measures', 'point_id')).issues).toContain(
      'source.measure_change_column: column point_id of hs_measures is VARCHAR; expected an integer type (an AUTO_INCREMENT id) or TIMESTAMP/DATETIME',
    );
    expect((await withChange('unindexed', 'wave_counter')).warnings).toContain(
      'source.measure_change_column: no index of unindexed starts with wave_counter; every cycle will scan the table to find new rows',
    );
  });

  it('as a user who may not read the measures table: refused, naming the field', async () => {
    const findings = await runPreflight({ ...root, user, password }, target(db));
    expect(findings.issues).toHaveLength(1);
    expect(findings.issues[0]).toMatch(
      /^measures: table TL_measures does not exist in .*; tables there: extraction_cycle$/,
    );
  });

  it('a server that does not answer is an error to retry, not a finding', async () => {
    await expect(runPreflight({ ...root, server: { ...server, port: 1 } }, target(db))).rejects.toBeInstanceOf(
      SourceError,
    );
  });
});
