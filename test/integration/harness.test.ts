// Proves the integration harness: the MongoDB-compatible server and the MariaDB source helpers work.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeConfigDir } from '../support/config-dir.js';
import { connectMongo, dropMongoDatabase, freshMongoDatabaseName } from '../support/mongo.js';
import { startMongoServer } from '../support/mongo-server.js';
import { connectMysqlRoot, createSourceDatabase, type SourceDatabase } from '../support/mysql.js';

describe('MongoDB test server', () => {
  const url = inject('mongoUrl');
  let databaseName: string | undefined;
  afterEach(async () => {
    if (databaseName !== undefined) await dropMongoDatabase(url, databaseName);
  });

  test('accepts an insert and finds it in a fresh database', async () => {
    databaseName = freshMongoDatabaseName();
    const client = await connectMongo(url);
    try {
      const collection = client.db(databaseName).collection<{ _id: number; value: string }>('probe');
      await collection.insertOne({ _id: 1, value: 'hello' });
      expect(await collection.find().toArray()).toEqual([{ _id: 1, value: 'hello' }]);
    } finally {
      await client.close();
    }
  });
});

// Tests that stop MongoDB mid-loop start their own server; with MONGO_URL there may be none to start.
describe.skipIf(inject('mongoKind') === 'external')('startMongoServer', () => {
  test('restarts on the same port and keeps the data', async () => {
    const server = await startMongoServer();
    try {
      const client = await connectMongo(server.url);
      await client.db('restart').collection<{ _id: number }>('probe').insertOne({ _id: 1 });
      await client.close();

      await server.stop();
      const down = new MongoClient(server.url, { serverSelectionTimeoutMS: 500 });
      await expect(down.db('admin').command({ ping: 1 })).rejects.toThrow();
      await down.close();
      await server.restart();

      const again = await connectMongo(server.url);
      try {
        expect(await again.db('restart').collection<{ _id: number }>('probe').find().toArray()).toEqual([{ _id: 1 }]);
      } finally {
        await again.close();
      }
    } finally {
      await server.dispose();
    }
  });

  test('refuses a port that is already in use', async () => {
    const first = await startMongoServer();
    try {
      await expect(startMongoServer({ port: first.port })).rejects.toThrow(/already in use/);
    } finally {
      await first.dispose();
    }
  });
});

describe('MariaDB source database', () => {
  let source: SourceDatabase | undefined;
  afterEach(async () => {
    await source?.drop();
  });

  test('has the source schema and reads back cycles and measures', async () => {
    source = await createSourceDatabase({ measuresTable: 'hs_measures' });
    expect(source.name).toMatch(/^dbp_t_[0-9a-f]+$/);
    await source.insertCycles([{ wave: 1_700_000_000, monitory: 'Extraction_1_dev_a', interval: 300 }]);
    await source.insertMeasures([
      { wave: 1_700_000_000, pointId: 'AHU-1.temp', value: 21.5 },
      { wave: 1_700_000_000, pointId: 'AHU-1.fan', value: null },
    ]);

    const [cycles] = await source.connection.query(
      'SELECT wave_counter, monitory_name, extraction_interval FROM extraction_cycle',
    );
    expect(cycles).toEqual([
      { wave_counter: 1_700_000_000, monitory_name: 'Extraction_1_dev_a', extraction_interval: 300 },
    ]);
    const [measures] = await source.connection.query(
      'SELECT wave_counter, point_id, point_value FROM hs_measures ORDER BY id',
    );
    expect(measures).toEqual([
      { wave_counter: 1_700_000_000, point_id: 'AHU-1.temp', point_value: 21.5 },
      { wave_counter: 1_700_000_000, point_id: 'AHU-1.fan', point_value: null },
    ]);
  });

  test('inserts more rows than one chunk', async () => {
    source = await createSourceDatabase();
    const rows = Array.from({ length: 12_345 }, (_, i) => ({
      wave: 1_700_000_000 + (i % 7),
      pointId: `p${i}`,
      value: i,
    }));
    await source.insertMeasures(rows);
    const [counted] = await source.connection.query('SELECT COUNT(*) AS n FROM TL_measures');
    expect(counted).toEqual([{ n: 12_345 }]);
  });
});

test('dropping a source database removes it', async () => {
  const source = await createSourceDatabase();
  await source.drop();
  const connection = await connectMysqlRoot();
  try {
    const [found] = await connection.query('SHOW DATABASES LIKE ?', [source.name]);
    expect(found).toEqual([]);
  } finally {
    await connection.end();
  }
});

describe('CLI and configuration helpers', () => {
  test('runCli runs the built CLI', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: db-proxy');
  });

  test('makeConfigDir writes defaults and owner-only credentials', async () => {
    const config = await makeConfigDir({ mongoUrl: 'mongodb://127.0.0.1:1/', defaults: { log_level: 'debug' } });
    try {
      expect(JSON.parse(await readFile(join(config.dir, 'defaults.json'), 'utf8'))).toEqual({ log_level: 'debug' });
      const credentials = join(config.dir, 'credentials.env');
      expect(await readFile(credentials, 'utf8')).toBe(
        'MONGO_URL=mongodb://127.0.0.1:1/\nMYSQL_USER=root\nMYSQL_PASSWORD=\n',
      );
      expect((await stat(credentials)).mode & 0o777).toBe(0o600);
      expect((await stat(config.stateDir)).isDirectory()).toBe(true);
    } finally {
      await config.cleanup();
    }
  });
});
