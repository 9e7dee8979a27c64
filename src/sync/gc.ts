// Bounds the heap a backfill leaves behind: full collections as it grows, one that gives the
// memory back at its end, and the same whenever an idle worker's heap holds much more than it uses.
import { getHeapStatistics } from 'node:v8';

const GC_GROWTH_BYTES = 32 * 1024 * 1024;
/** Committed but unused heap worth giving back, and how often at most (each costs a few full collections). */
const SLACK_BYTES = 12 * 1024 * 1024;
const SLACK_RELEASE_EVERY_MS = 60_000;
let heapAfterCollection = 0;
let releasedAt = -Infinity;

/** V8's gc() of --expose-gc; `last-resort` is the collection V8 runs under memory pressure. */
type Gc = (options?: { type?: 'major'; execution?: 'sync'; flavor?: 'regular' | 'last-resort' }) => void;
const gcFunction = (): Gc | undefined => (globalThis as { gc?: Gc }).gc;

/**
 * A full collection whenever the heap has grown by GC_GROWTH_BYTES since the last one, when Node
 * runs with --expose-gc (as db-proxy's launchers start it). Chunks live across awaits, so most of
 * what a backfill allocates is promoted and V8 lets the old generation grow to several times the
 * live data (one chunk) before collecting; bounding the growth bounds the peak RSS, whatever the
 * machine's speed or the length of the backfill.
 */
export function collectGarbageWhenGrown(): void {
  const gc = gcFunction();
  if (gc === undefined) return;
  if (getHeapStatistics().used_heap_size - heapAfterCollection < GC_GROWTH_BYTES) return;
  gc();
  heapAfterCollection = getHeapStatistics().used_heap_size;
}

/**
 * After a cycle that wrote much (a backfill), gives memory back. A plain full collection frees
 * what the chunks promoted but keeps the pages and the grown young generation (a worker idled at
 * 150+ MB after a backfill, 75 MB of it V8 pages); the last-resort flavour, V8's answer to memory
 * pressure, collects until nothing more goes, shrinks the young generation and unmaps the pages.
 */
export function releaseMemory(): void {
  const gc = gcFunction();
  if (gc === undefined) return;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  heapAfterCollection = getHeapStatistics().used_heap_size;
  releasedAt = performance.now();
}

/**
 * Between cycles: gives memory back when V8 holds SLACK_BYTES more than it uses (after start-up,
 * a catch-up, a burst of re-reads), at most once a minute.
 */
export function releaseMemoryWhenSlack(): void {
  if (performance.now() - releasedAt < SLACK_RELEASE_EVERY_MS) return;
  const heap = getHeapStatistics();
  if (heap.total_heap_size - heap.used_heap_size >= SLACK_BYTES) releaseMemory();
}
