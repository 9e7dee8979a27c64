// When a file in the drop folder is completely written: its size, mtime and inode were the same
// at two looks at least `stableMs` apart, and its mtime is at least that old. Pure bookkeeping;
// the caller does the looking.

/** How long a file must stay unchanged before it is read (ms); documented in the README. */
export const FILE_STABLE_MS = 250;

/**
 * How long a file whose JSON ends too soon (empty or cut off, as a file still being written is)
 * must stay unchanged before it is judged anyway (ms); documented in the README.
 */
export const INCOMPLETE_GRACE_MS = 30_000;

export interface FileVersion {
  size: number;
  mtimeMs: number;
  ino: number;
}

interface Seen extends FileVersion {
  /** When this version was first seen. */
  since: number;
}

export class SettleTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly stableMs: number = FILE_STABLE_MS) {}

  /** Records a look at `name`; true when it has been stable long enough to be read. */
  observe(name: string, version: FileVersion, now: number): boolean {
    const previous = this.seen.get(name);
    if (!previous || !sameVersion(previous, version)) {
      this.seen.set(name, { ...version, since: now });
      return false;
    }
    // An mtime in the future (a skewed clock, touch -d) cannot count; the looks alone then decide.
    const oldEnough = now - version.mtimeMs >= this.stableMs || version.mtimeMs > now;
    return now - previous.since >= this.stableMs && oldEnough;
  }

  /** Whether `version` is still the one last observed (a read may find the file changed since). */
  isCurrent(name: string, version: FileVersion): boolean {
    const previous = this.seen.get(name);
    return previous !== undefined && sameVersion(previous, version);
  }

  /** How long the current version of `name` has been seen unchanged (0 when unknown). */
  unchangedFor(name: string, now: number): number {
    const previous = this.seen.get(name);
    return previous ? now - previous.since : 0;
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Forgets every name not in `present` (files handled, moved or deleted). */
  retain(present: ReadonlySet<string>): void {
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
  }
}

function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
