// The creator's one read of an entry in the drop folder, which the group can write and the
// creator (root) reads: regular files only, links never followed, a FIFO never waited on, the
// size checked on the opened descriptor before reading, and at most the limit + 1 bytes read.
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { MAX_REQUEST_BYTES, SIZE_EXPECTATION, readAtMost } from '../request/read.js';

export type DropEntry =
  | { kind: 'request'; text: string; size: number; mtimeMs: number; ino: number }
  /** Not read: `reason` says why; `keep` when the entry is worth moving beside its verdict. */
  | { kind: 'refused'; reason: string; keep: boolean }
  | { kind: 'vanished' };

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/** What a non-regular entry is, for the verdict. */
export function describeFileType(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

/** Why an entry that is not a regular file is refused. */
export function notAFile(stats: Stats): DropEntry {
  return {
    kind: 'refused',
    reason: `${describeFileType(stats)}, not a regular file: only regular files are read (links are never followed); it was not read`,
    // A directory is moved aside whole (never deleted recursively as root); the rest is removed.
    keep: stats.isDirectory(),
  };
}

function tooLarge(size: number | undefined): DropEntry {
  const given = size === undefined ? 'larger than the limit' : `${size} bytes`;
  return { kind: 'refused', reason: `too large: ${given}; ${SIZE_EXPECTATION}; it was not read`, keep: true };
}

export async function readDropEntry(path: string, limit: number = MAX_REQUEST_BYTES): Promise<DropEntry> {
  let linkStats: Stats;
  try {
    linkStats = await lstat(path);
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) return { kind: 'vanished' };
    throw error;
  }
  if (!linkStats.isFile()) return notAFile(linkStats);
  let handle: FileHandle;
  try {
    // The entry may have been swapped for a link or a FIFO since lstat: O_NOFOLLOW fails on a
    // link (ELOOP), O_NONBLOCK keeps a FIFO from blocking the open, fstat below checks the rest.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (MISSING.has(code)) return { kind: 'vanished' };
    if (code === 'ELOOP') {
      return {
        kind: 'refused',
        reason: 'a symbolic link, not a regular file: links are never followed; it was not read',
        keep: false,
      };
    }
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return notAFile(stats);
    if (stats.nlink > 1) {
      return {
        kind: 'refused',
        reason: `a hard link (${stats.nlink} names for one file): only files of their own are read; it was not read`,
        keep: false,
      };
    }
    if (stats.size > limit) return tooLarge(stats.size);
    const bytes = await readAtMost(handle, limit);
    if (bytes.length > limit) return tooLarge(undefined);
    return { kind: 'request', text: bytes.toString('utf8'), size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
  } finally {
    await handle.close();
  }
}
