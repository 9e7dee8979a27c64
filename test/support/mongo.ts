// MongoDB helpers for tests: unique database names, clients, and clean-up.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

/** A database name no other test uses: `dbp_t_<hex>`. */
export function freshMongoDatabaseName(): string {
  return `dbp_t_${randomBytes(6).toString('hex')}`;
}

/** A connected client; the caller closes it. */
export async function connectMongo(url: string): Promise<MongoClient> {
  // Short server selection: a test server that is down should fail the test quickly, not in 30 s.
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  return client;
}

export async function dropMongoDatabase(url: string, name: string): Promise<void> {
  const client = await connectMongo(url);
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
