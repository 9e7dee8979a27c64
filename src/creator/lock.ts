// One creator per state folder: a lock file created atomically holding the creator's pid, for
// the life of the process. A lock whose process is gone (a creator killed with SIGKILL), or is no
// creator (its pid was reused), is stale and taken over; a live creator's lock is refused.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DbProxyError } from '../errors.js';

export const LOCK_FILE = 'creator.lock';

export class CreatorLockedError extends DbProxyError {
  constructor(message: string) {
    super('CREATOR_LOCKED', message);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a live pid runs `db-proxy creator` (unreadable: assume it does, and refuse). */
function isCreator(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('creator');
  } catch {
    return true;
  }
}

export interface StateLock {
  readonly path: string;
  release(): void;
}

/**
 * Creates the lock holding `pid` in one step: written to a private file, then hard-linked into
 * place, so no other creator ever reads a lock that exists but does not yet name its holder.
 */
function createLock(path: string, pid: number): boolean {
  const staged = `${path}.${pid}.new`;
  const fd = openSync(staged, 'w', 0o644);
  try {
    writeSync(fd, `${pid}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(staged, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(staged);
  }
}

/**
 * Removes the lock only if it is still the stale one that was judged (its text `judged`). Two
 * creators may judge the same stale lock at once; the first takes it over, and the second must
 * not delete the first one's new lock. So the lock is moved aside atomically (only one rename of
 * it can win) and looked at there: a lock that changed meanwhile is put back, untouched.
 */
export function removeStaleLock(path: string, judged: string, pid = process.pid): boolean {
  const aside = `${path}.${pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // someone else removed it
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') === judged) return true;
    try {
      linkSync(aside, path);
    } catch {
      // A lock was created meanwhile: it is the one that counts now.
    }
    return false;
  } finally {
    unlinkSync(aside);
  }
}

/** Takes the state folder's lock, or throws CreatorLockedError naming the creator that holds it. */
export function acquireStateLock(stateDir: string, pid = process.pid): StateLock {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLock(path, pid)) {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
      process.once('exit', release);
      return { path, release };
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // removed meanwhile: try again
    }
    const holder = Number.parseInt(text, 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder) && isCreator(holder)) {
      throw new CreatorLockedError(
        `another creator (pid ${holder}) already handles ${stateDir} (lock ${path}); only one may run per ` +
          `state folder: stop the other one (systemctl list-units '*-creator.service'), or, after a change of ` +
          `unit_prefix, run install.sh again`,
      );
    }
    removeStaleLock(path, text, pid);
  }
  throw new CreatorLockedError(`cannot take the lock ${path}: it keeps changing; is another creator starting?`);
}
