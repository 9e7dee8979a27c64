// The creator's side of the drop folder: notices entries (chokidar events and a periodic
// re-scan), waits until a file is completely written, reads it once, and hands its bytes on, in
// arrival order, synchronously (so the receiver fixes its place in line before any await).
// Entries that are not regular files, or too large, are refused without being read.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { parseJsonText } from '../request/json-text.js';
import { isRequestFileName } from './layout.js';
import { notAFile, readDropEntry } from './read-drop.js';
import { FILE_STABLE_MS, INCOMPLETE_GRACE_MS, SettleTracker } from './settle.js';

export interface DropWatchOptions {
  dir: string;
  logger: Logger;
  /** Seconds between full re-scans, in case the watcher missed an event. */
  rescanSeconds: number;
  stableMs?: number;
  incompleteGraceMs?: number;
  /** Requests already handed on and not yet moved away: not looked at again. */
  isPending(name: string): boolean;
  /** A complete request, its bytes as read; called in arrival order, never concurrently. */
  onRequest(request: { name: string; path: string; text: string }): void;
  /** An entry refused unread; `keep` when it should be moved beside its verdict, else removed. */
  onRefused(refused: { name: string; path: string; reason: string; keep: boolean }): Promise<void>;
}

export interface DropWatch {
  close(): Promise<void>;
}

export async function watchDropFolder(options: DropWatchOptions): Promise<DropWatch> {
  const { dir, logger } = options;
  const stableMs = options.stableMs ?? FILE_STABLE_MS;
  const graceMs = options.incompleteGraceMs ?? INCOMPLETE_GRACE_MS;
  const tracker = new SettleTracker(stableMs);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running: Promise<void> | undefined;
  let again = false;

  /** One pass over the folder; passes never overlap, so requests are handed on one by one. */
  const look = async (): Promise<void> => {
    const names = (await readdir(dir)).filter(isRequestFileName).sort();
    tracker.retain(new Set(names));
    let unsettled = false;
    for (const name of names) {
      if (closed) return;
      if (options.isPending(name)) continue;
      const path = join(dir, name);
      const stats = await lstat(path).catch(() => undefined);
      if (!stats) continue;
      if (!stats.isFile()) {
        const refused = notAFile(stats);
        if (refused.kind === 'refused') await options.onRefused({ name, path, ...refused });
        continue;
      }
      if (!tracker.observe(name, stats, Date.now())) {
        unsettled = true;
        continue;
      }
      const entry = await readDropEntry(path);
      if (entry.kind === 'vanished') continue;
      if (entry.kind === 'refused') {
        tracker.forget(name);
        await options.onRefused({ name, path, reason: entry.reason, keep: entry.keep });
        continue;
      }
      if (!tracker.isCurrent(name, entry)) {
        // Written to between the look and the read: wait for it to settle again.
        tracker.observe(name, entry, Date.now());
        unsettled = true;
        continue;
      }
      const json = parseJsonText(entry.text);
      if (!json.ok && json.incomplete && tracker.unchangedFor(name, Date.now()) < graceMs) {
        // Still being written, most likely (a pause of the writer); judged once it stays so.
        unsettled = true;
        continue;
      }
      tracker.forget(name);
      options.onRequest({ name, path, text: entry.text });
    }
    if (unsettled) schedule(stableMs);
  };

  const run = (): void => {
    timer = undefined;
    timerAt = Infinity;
    if (running) {
      again = true;
      return;
    }
    running = look()
      .catch((error: unknown) => logger.error(`looking at ${dir} failed: ${describeError(error)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule(0);
        }
      });
  };

  /** Runs a pass in `delayMs`, or sooner when one is already due sooner. */
  const schedule = (delayMs: number): void => {
    if (closed) return;
    const at = Date.now() + delayMs;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(run, delayMs);
  };

  // What is already there first; then events.
  run();
  await running;
  const watcher: FSWatcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    // Never stat or watch what a link points to.
    followSymlinks: false,
    ignored: (path) => path !== dir && !isRequestFileName(path.slice(path.lastIndexOf('/') + 1)),
  });
  watcher.on('all', () => schedule(0));
  watcher.on('error', (error) => logger.error(`watching ${dir} failed: ${describeError(error)}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const rescan = setInterval(() => schedule(0), options.rescanSeconds * 1000);
  schedule(0);

  return {
    async close() {
      closed = true;
      clearInterval(rescan);
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
