// Reading heartbeats back (status, monitor): one MongoDB client, documents validated.
import { MongoClient } from 'mongodb';
import { SinkError, describeError } from '../errors.js';
import { mongoHosts } from '../sync/sink.js';
import { HEARTBEATS_COLLECTION, HeartbeatSchema, type Heartbeat } from './heartbeat.js';

export interface HeartbeatStore {
  /** Every project's heartbeat, by project; documents of another shape are skipped. */
  readAll(): Promise<Map<string, Heartbeat>>;
  /** The server's clock, to age heartbeats against the clock that stamped them. */
  serverTime(): Promise<Date>;
  close(): Promise<void>;
}

export function openHeartbeatStore(url: string, database: string, timeoutSeconds = 10): HeartbeatStore {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutSeconds * 1000,
    connectTimeoutMS: timeoutSeconds * 1000,
    appName: 'db-proxy-status',
  });
  const db = client.db(database);
  const fail = (what: string, error: unknown): SinkError =>
    new SinkError(`MongoDB ${mongoHosts(url)} database ${database}: ${what} failed: ${describeError(error)}`, {
      cause: error,
    });
  return {
    async readAll() {
      try {
        const docs = await db.collection(HEARTBEATS_COLLECTION).find().toArray();
        const result = new Map<string, Heartbeat>();
        for (const doc of docs) {
          const parsed = HeartbeatSchema.safeParse(doc);
          if (parsed.success) result.set(parsed.data.project, parsed.data);
        }
        return result;
      } catch (error) {
        throw fail('reading the heartbeats', error);
      }
    },
    async serverTime() {
      try {
        const hello = await db.admin().command({ hello: 1 });
        const localTime = (hello as { localTime?: unknown }).localTime;
        return localTime instanceof Date ? localTime : new Date();
      } catch (error) {
        throw fail('reading the server clock', error);
      }
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}
