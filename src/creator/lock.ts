// One creator per state folder: a lock file created with O_EXCL holding the creator's pid, for
// the life of the process. A lock whose process is gone (a creator killed with SIGKILL), or is no
// creator (its pid was reused), is stale and taken over; a live creator's lock is refused.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
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

/** Takes the state folder's lock, or throws CreatorLockedError naming the creator that holds it. */
export function acquireStateLock(stateDir: string, pid = process.pid): StateLock {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
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
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      // Removed meanwhile: try again.
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder) && isCreator(holder)) {
      throw new CreatorLockedError(
        `another creator (pid ${holder}) already handles ${stateDir} (lock ${path}); only one may run per ` +
          `state folder: stop the other one (systemctl list-units '*-creator.service'), or, after a change of ` +
          `unit_prefix, run install.sh again`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // Taken over by someone else meanwhile: the next attempt sees theirs.
    }
  }
  throw new CreatorLockedError(`cannot take the lock ${path}: it keeps changing; is another creator starting?`);
}
