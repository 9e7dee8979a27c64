// Integration-test global setup: checks MariaDB, starts (or adopts) a MongoDB-compatible server,
// says which one the run uses, and provides its URL to the tests.
import type { TestProject } from 'vitest/node';
import { startMongoServer, type MongoServer } from './mongo-server.js';
import { connectMysqlRoot, mysqlRootUrl } from './mysql.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the MongoDB-compatible server the tests use, e.g. `mongodb://127.0.0.1:40123/`. */
    mongoUrl: string;
    /** `external` when the user gave MONGO_URL; tests that stop the server need their own then. */
    mongoKind: 'ferretdb' | 'mongod' | 'external';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await checkMariadb();
  const external = process.env.MONGO_URL;
  if (external !== undefined && external !== '') {
    console.log(`tests use the MongoDB at MONGO_URL ${hideCredentials(external)} (external)`);
    project.provide('mongoUrl', external);
    project.provide('mongoKind', 'external');
    return () => Promise.resolve();
  }

  const server: MongoServer = await startMongoServer();
  const name = server.kind === 'ferretdb' ? `FerretDB ${server.version} (sqlite)` : `mongod ${server.version}`;
  console.log(`tests use ${name} at ${server.url}`);
  project.provide('mongoUrl', server.url);
  project.provide('mongoKind', server.kind);
  return () => server.dispose();
}

async function checkMariadb(): Promise<void> {
  try {
    const connection = await connectMysqlRoot();
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end();
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `integration tests need MariaDB at ${mysqlRootUrl} (root, empty password), but it does not answer: ${reason}. ` +
        'Start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
      { cause: error },
    );
  }
}

/** `mongodb://user:secret@host/` → `mongodb://user:***@host/`: the URL is printed in CI logs. */
function hideCredentials(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
