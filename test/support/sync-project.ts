// One sync test's world: a fresh MariaDB source, a fresh MongoDB database, private configuration
// pointing at both, a request file, and clean-up of all of it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { makeConfigDir, type ConfigDir } from './config-dir.js';
import type { Dataset } from './dataset.js';
import { connectMongo, freshMongoDatabaseName } from './mongo.js';
import { createSourceDatabase, type SourceDatabase } from './mysql.js';

export interface SyncProjectOptions {
  mongoUrl: string;
  /** Merged into defaults.json; mongo_database is set by the fixture. */
  defaults?: Record<string, unknown>;
  request?: Record<string, unknown>;
  mysqlUser?: string;
  mysqlPassword?: string;
}

export interface SyncProject {
  source: SourceDatabase;
  mongoDatabase: string;
  mongo: MongoClient;
  db: Db;
  config: ConfigDir;
  requestPath: string;
  request: Record<string, unknown>;
  /** `--config-dir DIR sync ...rest REQUEST` */
  syncArgs(...rest: string[]): string[];
  writeRequest(request: Record<string, unknown>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createSyncProject(options: SyncProjectOptions): Promise<SyncProject> {
  const source = await createSourceDatabase();
  const mongoDatabase = freshMongoDatabaseName();
  const config = await makeConfigDir({
    mongoUrl: options.mongoUrl,
    defaults: { mongo_database: mongoDatabase, ...options.defaults },
    ...(options.mysqlUser === undefined ? {} : { mysqlUser: options.mysqlUser }),
    ...(options.mysqlPassword === undefined ? {} : { mysqlPassword: options.mysqlPassword }),
  });
  const mongo = await connectMongo(options.mongoUrl).catch(async (error: unknown) => {
    await Promise.allSettled([source.drop(), config.cleanup()]);
    throw error;
  });
  const requestPath = join(config.dir, 'request.json');
  const project: SyncProject = {
    source,
    mongoDatabase,
    mongo,
    db: mongo.db(mongoDatabase),
    config,
    requestPath,
    request: {
      wave_counter_threshold: 0,
      delete_old_value: 30,
      monitory_name_kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'],
      measures: source.measuresTable,
      database: source.name,
      server: '127.0.0.1:3306',
      sleep_time: 1,
      ...options.request,
    },
    syncArgs: (...rest) => ['--config-dir', config.dir, 'sync', ...rest, requestPath],
    async writeRequest(request) {
      project.request = request;
      await writeFile(requestPath, JSON.stringify(request, null, 2));
    },
    async cleanup() {
      await Promise.allSettled([
        project.db.dropDatabase().finally(() => mongo.close()),
        source.drop(),
        config.cleanup(),
      ]);
    },
  };
  await project.writeRequest(project.request);
  return project;
}

/**
 * For a describe block: a sync project whose source holds `data`, made before its tests and
 * removed after them. Returns the project's getter (valid inside the tests).
 */
export function seededSyncProject(data: Dataset, defaults?: Record<string, unknown>): () => SyncProject {
  let project: SyncProject | undefined;
  beforeAll(async () => {
    project = await createSyncProject({ mongoUrl: inject('mongoUrl'), defaults });
    await project.source.insertCycles(data.cycles);
    await project.source.insertMeasures(data.measures);
  });
  afterAll(async () => {
    await project?.cleanup();
  });
  return () => {
    if (!project) throw new Error('the sync project is made in beforeAll: use it inside a test');
    return project;
  };
}
