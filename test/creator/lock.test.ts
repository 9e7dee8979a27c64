// One creator per state folder: a live creator's lock is refused with a clear message; a lock
// left by a creator that is gone, or whose pid now runs something else, is taken over.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CreatorLockedError, LOCK_FILE, acquireStateLock, removeStaleLock } from '../../src/creator/lock.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dbp-lock-'));
  dirs.push(dir);
  return dir;
}

/** A live process whose command line says `creator`, as `db-proxy creator` does. */
async function fakeCreator(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'creator'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid ?? 0;
}

describe('acquireStateLock', () => {
  it('refuses while another creator holds the state folder, naming its pid', async () => {
    const dir = await stateDir();
    const pid = await fakeCreator();
    await writeFile(join(dir, LOCK_FILE), `${pid}\n`);
    expect(() => acquireStateLock(dir)).toThrow(CreatorLockedError);
    expect(() => acquireStateLock(dir)).toThrow(`another creator (pid ${pid}) already handles ${dir}`);
  });

  it('takes over the lock of a creator that is gone', async () => {
    const dir = await stateDir();
    const pid = await fakeCreator();
    await writeFile(join(dir, LOCK_FILE), `${pid}\n`);
    children[0]?.kill('SIGKILL');
    await new Promise((resolve) => children[0]?.once('exit', resolve));
    const lock = acquireStateLock(dir);
    expect((await readFile(lock.path, 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over a lock whose pid now runs something else, and a garbled one', async () => {
    const dir = await stateDir();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    await writeFile(join(dir, LOCK_FILE), `${other.pid}\n`);
    acquireStateLock(dir).release();
    await writeFile(join(dir, LOCK_FILE), 'garbage');
    acquireStateLock(dir).release();
  });

  it('a second creator in the state folder is refused until the first releases', async () => {
    const dir = await stateDir();
    const first = acquireStateLock(dir, await fakeCreator());
    expect(() => acquireStateLock(dir)).toThrow(CreatorLockedError);
    first.release();
  });

  it('two creators judging the same stale lock: the second does not remove the first one’s new lock', async () => {
    const dir = await stateDir();
    const path = join(dir, LOCK_FILE);
    const gone = await fakeCreator();
    children[0]?.kill('SIGKILL');
    await new Promise((resolve) => children[0]?.once('exit', resolve));
    await writeFile(path, `${gone}\n`);
    // B reads the stale lock; before B removes it, A takes it over.
    const judgedByB = await readFile(path, 'utf8');
    const a = acquireStateLock(dir, await fakeCreator());
    const aLock = await readFile(path, 'utf8');
    expect(removeStaleLock(path, judgedByB, 4_000_001)).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(aLock);
    expect(() => acquireStateLock(dir)).toThrow(CreatorLockedError);
    // The stale lock itself is removed once, by whoever moves it first.
    a.release();
    await writeFile(path, `${gone}\n`);
    expect(removeStaleLock(path, `${gone}\n`, 4_000_001)).toBe(true);
    expect(removeStaleLock(path, `${gone}\n`, 4_000_002)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual([]);
  });

  it('a lock is never seen empty: it appears with its holder’s pid in it', async () => {
    const dir = await stateDir();
    const lock = acquireStateLock(dir);
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    expect((await readdir(dir)).sort()).toEqual([LOCK_FILE]);
    lock.release();
  });
});
