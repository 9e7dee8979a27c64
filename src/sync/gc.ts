// Bounds the heap a backfill leaves behind: full collections as it grows, and one at its end.
import { getHeapStatistics } from 'node:v8';

const GC_GROWTH_BYTES = 32 * 1024 * 1024;
let heapAfterCollection = 0;

const gcFunction = (): (() => void) | undefined => (globalThis as { gc?: () => void }).gc;

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
 * After a cycle that wrote much (a backfill), gives memory back: a full collection frees what the
 * chunks promoted, and V8 returns the emptied pages to the system.
 */
export function releaseMemory(): void {
  const gc = gcFunction();
  if (gc === undefined) return;
  gc();
  heapAfterCollection = getHeapStatistics().used_heap_size;
}
