// Pure: which collections a request no longer syncs because their monitory name was dropped,
// and the words the worker's log and the creator's verdict use for it.
import type { CollectionState } from './types.js';

/** Collections with a checkpoint whose monitory name is not kept any more, by name. */
export function droppedCollections(states: readonly CollectionState[], kept: readonly string[]): string[] {
  const keep = new Set(kept);
  return states
    .filter((state) => !keep.has(state.monitory))
    .map((state) => state.collection)
    .sort();
}

/**
 * The creator's note for monitory names the new request drops (the creator has no network, so it
 * names the collection pattern, not the collections); undefined when none is dropped.
 */
export function droppedMonitoryNote(
  previousKept: readonly string[] | undefined,
  kept: readonly string[],
  database: string,
  measures: string,
): string | undefined {
  const keep = new Set(kept);
  const dropped = (previousKept ?? []).filter((name) => !keep.has(name));
  if (dropped.length === 0) return undefined;
  const names = dropped.map((name) => `"${name}" (collections "${database};${measures};${name};<interval>")`);
  return (
    `no longer synced: monitory name${dropped.length > 1 ? 's' : ''} ${names.join(', ')}; ` +
    'their documents stay in MongoDB until retention ages them out'
  );
}

/** Reads the monitory names kept by a request file's text; undefined when it cannot tell. */
function keptIn(text: string | undefined): { kept: string[]; database: string; measures: string } | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    const kept = value.monitory_name_kept;
    if (!Array.isArray(kept) || typeof value.database !== 'string' || typeof value.measures !== 'string')
      return undefined;
    return {
      kept: kept.filter((name): name is string => typeof name === 'string'),
      database: value.database,
      measures: value.measures,
    };
  } catch {
    return undefined;
  }
}

/** The note for the creator's verdict, from the running project's request file and the new one. */
export function droppedMonitoryNoteOfRequests(
  previous: string | undefined,
  next: string | undefined,
): string | undefined {
  const before = keptIn(previous);
  const after = keptIn(next);
  if (!before || !after || before.measures !== after.measures) return undefined;
  return droppedMonitoryNote(before.kept, after.kept, after.database, after.measures);
}
