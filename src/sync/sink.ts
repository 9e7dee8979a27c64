// The MongoDB side: idempotent writes of pivot documents, retention deletes, checkpoint storage.
import { MongoBulkWriteError, MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { SinkError, describeError } from '../errors.js';
import { redact } from '../logging/redact.js';
import {
  HEARTBEATS_COLLECTION,
  HeartbeatSchema,
  type HeartbeatFields,
  type HeartbeatTotals,
} from '../health/heartbeat.js';
import { CHECKPOINTS_COLLECTION } from './naming.js';
import { stateMethods, type StateDocument, type StateStorage } from './sink-states.js';
import type { PivotDocument } from './types.js';

export interface SinkOptions {
  url: string;
  database: string;
  connectTimeoutSeconds: number;
}

export interface WriteCounts {
  inserted: number;
  replaced: number;
  deleted: number;
}

export interface Sink extends StateStorage {
  /** Inserts documents; those that already exist (a re-run after a crash) are replaced instead. */
  insert(collection: string, docs: readonly PivotDocument[]): Promise<WriteCounts>;
  replace(collection: string, docs: readonly PivotDocument[]): Promise<WriteCounts>;
  remove(collection: string, waves: readonly number[]): Promise<WriteCounts>;
  /** Deletes at most `batchSize` documents older than `bound`; returns how many it deleted. */
  deleteOlderThan(collection: string, bound: number, batchSize: number): Promise<number>;
  /** True when the collection holds no document (an unfiltered find, cheap everywhere). */
  isEmpty(collection: string): Promise<boolean>;
  /** Upserts the project's heartbeat; MongoDB stamps it with its own clock (server_time). */
  writeHeartbeat(heartbeat: HeartbeatFields): Promise<void>;
  /** The totals of the project's last heartbeat; null without one (or of another shape). */
  readHeartbeatTotals(project: string): Promise<HeartbeatTotals | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const DUPLICATE_KEY = 11000;

export function createSink(options: SinkOptions): Sink {
  const timeout = options.connectTimeoutSeconds * 1000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    socketTimeoutMS: Math.max(60_000, timeout * 6),
    maxPoolSize: 8,
    appName: 'db-proxy',
  });
  const db: Db = client.db(options.database);
  // The driver closes its topology for good when the implicit connect of a first operation fails
  // (MongoDB down as the worker starts: every later operation would say "Topology is closed"). An
  // explicit connect() tries again, and returns at once when connected.
  const connected = (): Promise<MongoClient> => client.connect();
  const states = db.collection<StateDocument>(CHECKPOINTS_COLLECTION);
  const where = `MongoDB ${mongoHosts(options.url)} database ${options.database}`;

  const fail = (what: string, error: unknown): SinkError =>
    new SinkError(`${where}: ${what} failed: ${describeError(error)}`, { cause: error });

  async function bulk(collection: string, operations: AnyBulkWriteOperation<PivotDocument>[], what: string) {
    try {
      await connected();
      return await db.collection<PivotDocument>(collection).bulkWrite(operations, { ordered: false });
    } catch (error) {
      throw fail(`${what} in "${collection}"`, error);
    }
  }

  async function replace(collection: string, docs: readonly PivotDocument[]): Promise<WriteCounts> {
    if (docs.length === 0) return { inserted: 0, replaced: 0, deleted: 0 };
    const operations = docs.map((doc) => ({
      replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
    }));
    const result = await bulk(collection, operations, 'replacing documents');
    return { inserted: result.upsertedCount, replaced: result.matchedCount, deleted: 0 };
  }

  return {
    async insert(collection, docs) {
      if (docs.length === 0) return { inserted: 0, replaced: 0, deleted: 0 };
      try {
        await connected();
        const result = await db.collection<PivotDocument>(collection).insertMany([...docs], { ordered: false });
        return { inserted: result.insertedCount, replaced: 0, deleted: 0 };
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError)) throw fail(`inserting documents in "${collection}"`, error);
        const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        const others = errors.filter((e) => e.code !== DUPLICATE_KEY);
        if (others.length > 0) throw fail(`inserting documents in "${collection}"`, error);
        const existing = errors.map((e) => docs[e.index]).filter((doc): doc is PivotDocument => doc !== undefined);
        const replaced = await replace(collection, existing);
        return { inserted: docs.length - existing.length + replaced.inserted, replaced: replaced.replaced, deleted: 0 };
      }
    },

    replace,

    async remove(collection, waves) {
      if (waves.length === 0) return { inserted: 0, replaced: 0, deleted: 0 };
      try {
        await connected();
        const result = await db.collection<PivotDocument>(collection).deleteMany({ _id: { $in: [...waves] } });
        return { inserted: 0, replaced: 0, deleted: result.deletedCount };
      } catch (error) {
        throw fail(`deleting documents in "${collection}"`, error);
      }
    },

    async deleteOlderThan(collection, bound, batchSize) {
      const target = db.collection<PivotDocument>(collection);
      try {
        await connected();
        const batch = await target
          .find({ _id: { $lt: bound } }, { projection: { _id: 1 } })
          .limit(batchSize)
          .toArray();
        if (batch.length === 0) return 0;
        return (await target.deleteMany({ _id: { $in: batch.map((doc) => doc._id) } })).deletedCount;
      } catch (error) {
        throw fail(`deleting documents older than ${bound} in "${collection}"`, error);
      }
    },

    async isEmpty(collection) {
      try {
        await connected();
        return (await db.collection<PivotDocument>(collection).findOne({}, { projection: { _id: 1 } })) === null;
      } catch (error) {
        throw fail(`reading "${collection}"`, error);
      }
    },

    ...stateMethods(states, connected, fail),

    async writeHeartbeat(heartbeat) {
      const { _id, totals, ...fields } = heartbeat;
      // The heartbeat is stored where every host's status and monitor read it: its error text is
      // redacted here, once, whichever failure it came from.
      fields.last_error = fields.last_error === null ? null : redact(fields.last_error);
      // $max: a counter never goes down, also when written before the previous totals were read.
      const max = Object.fromEntries(Object.entries(totals).map(([key, value]) => [`totals.${key}`, value]));
      try {
        await connected();
        await db
          .collection<{ _id: string }>(HEARTBEATS_COLLECTION)
          .updateOne({ _id }, { $set: fields, $max: max, $currentDate: { server_time: true } }, { upsert: true });
      } catch (error) {
        throw fail('writing the heartbeat', error);
      }
    },

    async readHeartbeatTotals(project) {
      let doc: unknown;
      try {
        await connected();
        doc = await db.collection<{ _id: string }>(HEARTBEATS_COLLECTION).findOne({ _id: project });
      } catch (error) {
        throw fail('reading the previous heartbeat', error);
      }
      const parsed = HeartbeatSchema.safeParse(doc);
      return parsed.success ? parsed.data.totals : null;
    },

    async ping() {
      try {
        await connected();
        await db.command({ ping: 1 });
      } catch (error) {
        throw fail('connecting', error);
      }
    },

    async close() {
      await client.close().catch(() => undefined);
    },
  };
}

/** The host list of a connection string, without user, password or options: safe to log. */
export function mongoHosts(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url);
  return match?.[1] ?? '(unparsable MONGO_URL)';
}
