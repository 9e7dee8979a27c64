// The sync's memory in MongoDB (db_proxy_checkpoints): one document per pivot collection, and one
// per project and measures table for the change cursor when a change column is configured.
import type { Collection, MongoClient } from 'mongodb';
import type { SinkError } from '../errors.js';
import type { ChangeState, ChangeValue, CollectionState } from './types.js';

export interface StateStorage {
  loadStates(project: string, measures: string): Promise<CollectionState[]>;
  saveState(project: string, measures: string, state: CollectionState): Promise<void>;
  /** The change cursor of a project's measures table; null before the first. */
  loadChangeState(project: string, measures: string): Promise<ChangeState | null>;
  saveChangeState(project: string, measures: string, state: ChangeState): Promise<void>;
}

export interface StateDocument {
  _id: string;
  project: string;
  measures: string;
  /** Absent on collection checkpoints; `change` on the change cursor's document. */
  kind?: 'change';
  monitory?: string;
  interval?: number;
  checkpoint?: number | null;
  digests?: Record<string, string>;
  min_wave?: number | null;
  checked_at?: number | null;
  retention_at?: number | null;
  change_cursor?: ChangeValue | null;
  change_marks?: { at: number; max: ChangeValue }[];
  updated_at: Date;
}

/** Three parts, where a collection's name has four: the two never meet. */
const changeId = (project: string, measures: string): string => `${project};${measures};change`;

export function stateMethods(
  states: Collection<StateDocument>,
  connected: () => Promise<MongoClient>,
  fail: (what: string, error: unknown) => SinkError,
): StateStorage {
  return {
    async loadStates(project, measures) {
      try {
        await connected();
        const docs = await states.find({ project, measures }).toArray();
        return docs
          .filter((doc) => doc.kind === undefined && doc.monitory !== undefined && doc.interval !== undefined)
          .map((doc) => ({
            collection: doc._id,
            monitory: doc.monitory as string,
            interval: doc.interval as number,
            checkpoint: doc.checkpoint ?? null,
            // A checkpoint written before digests existed has none: its waves are re-read once.
            digests: doc.digests ?? {},
            minWave: doc.min_wave ?? null,
            checkedAt: doc.checked_at ?? null,
            retentionAt: doc.retention_at ?? null,
          }));
      } catch (error) {
        throw fail('reading checkpoints', error);
      }
    },

    async saveState(project, measures, state) {
      const doc: StateDocument = {
        _id: state.collection,
        project,
        measures,
        monitory: state.monitory,
        interval: state.interval,
        checkpoint: state.checkpoint,
        digests: state.digests,
        min_wave: state.minWave,
        checked_at: state.checkedAt,
        retention_at: state.retentionAt,
        updated_at: new Date(),
      };
      try {
        await connected();
        await states.replaceOne({ _id: state.collection }, doc, { upsert: true });
      } catch (error) {
        throw fail(`writing the checkpoint of "${state.collection}"`, error);
      }
    },

    async loadChangeState(project, measures) {
      try {
        await connected();
        const doc = await states.findOne({ _id: changeId(project, measures) });
        if (doc?.kind !== 'change') return null;
        return { cursor: doc.change_cursor ?? null, marks: doc.change_marks ?? [] };
      } catch (error) {
        throw fail('reading the change cursor', error);
      }
    },

    async saveChangeState(project, measures, state) {
      const _id = changeId(project, measures);
      const doc: StateDocument = {
        _id,
        project,
        measures,
        kind: 'change',
        change_cursor: state.cursor,
        change_marks: state.marks,
        updated_at: new Date(),
      };
      try {
        await connected();
        await states.replaceOne({ _id }, doc, { upsert: true });
      } catch (error) {
        throw fail('writing the change cursor', error);
      }
    },
  };
}
