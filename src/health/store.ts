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
  /**
   * Deletes a heartbeat if it is still the one that was read (same host and server time): a
   * worker that wrote again meanwhile, here or on another host, keeps its heartbeat.
   */
  deleteIfUnchanged(beat: Heartbeat): Promise<boolean>;
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
    async deleteIfUnchanged(beat) {
      try {
        const filter = { _id: beat._id, host: beat.host, server_time: beat.server_time };
        // The heartbeats' _id is the project name (a string), which the driver's default type does not say.
        return (await db.collection<{ _id: string }>(HEARTBEATS_COLLECTION).deleteOne(filter)).deletedCount === 1;
      } catch (error) {
        throw fail(`removing the heartbeat of ${beat.project}`, error);
      }
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}
