// `db-proxy query` reads with the read-only MONGO_READ_URL (reader.env, or the user's own
// environment), never needing the workers' MONGO_URL; an older install without one falls back to
// MONGO_URL with a warning. The workers' URL here points at nothing, so only the reader's can work.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { runCli } from '../../support/cli.js';
import { makeConfigDir, type ConfigDir } from '../../support/config-dir.js';
import { connectMongo, freshMongoDatabaseName } from '../../support/mongo.js';

const project = 'QRY-READER';
const wave = 1_700_000_000;
const nowhere = 'mongodb://workers:WorkersPw@127.0.0.1:1/?serverSelectionTimeoutMS=500';

describe('query with the read-only MongoDB URL', () => {
  const mongoUrl = inject('mongoUrl');
  const database = freshMongoDatabaseName();
  let client: MongoClient;
  const configs: ConfigDir[] = [];

  beforeAll(async () => {
    client = await connectMongo(mongoUrl);
    await client
      .db(database)
      .collection<{ _id: number }>(`${project};TL_measures;Extraction_1_dev_a;300`)
      .insertOne({ _id: wave, wave_counter: wave, ts: new Date(wave * 1000), 'AHU-1': 13.5 } as { _id: number });
  });
  afterAll(async () => {
    await client?.db(database).dropDatabase();
    await client?.close();
    await Promise.allSettled(configs.map((config) => config.cleanup()));
  });

  async function config(workers: string, reader: string | null): Promise<ConfigDir> {
    const made = await makeConfigDir({ mongoUrl: workers, readerUrl: reader, defaults: { mongo_database: database } });
    configs.push(made);
    return made;
  }
  const query = (dir: ConfigDir, env: Record<string, string | undefined> = {}) =>
    runCli(['--config-dir', dir.dir, 'query', project, '--monitory', 'Extraction_1_dev_a', '--json'], {
      env: { MONGO_READ_URL: undefined, ...env },
    });

  it('reads with MONGO_READ_URL of reader.env', async () => {
    const result = await query(await config(nowhere, mongoUrl));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject([{ wave_counter: wave, 'AHU-1': 13.5 }]);
  });

  it("prefers the user's own MONGO_READ_URL to reader.env", async () => {
    const result = await query(await config(nowhere, nowhere), { MONGO_READ_URL: mongoUrl });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ wave_counter: wave }]);
  });

  it("without one, reads with the workers' MONGO_URL where it is readable, and warns", async () => {
    const result = await query(await config(mongoUrl, null));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^db-proxy: warning: reading with the workers' read-write MONGO_URL: set MONGO_READ_URL/,
    );
  });
});
