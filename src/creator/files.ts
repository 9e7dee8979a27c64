// Small file operations the creator's transactions are built from.
import { cp, lstat, mkdir, open, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes a file through a temp file and a rename, flushed: readers see the old or the new text. */
export async function writeFileAtomic(path: string, text: string, mode = 0o640): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** ENOTDIR: a parent is a file, so the path cannot exist either. */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

export async function removeFileIfExists(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (!MISSING.has(error.code ?? '')) throw error;
  });
}

/** rmdir that tolerates a missing or non-empty folder (someone else's files stay). */
export async function removeDirIfEmpty(path: string): Promise<void> {
  await rmdir(path).catch((error: NodeJS.ErrnoException) => {
    if (!['ENOENT', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(error.code ?? '')) throw error;
  });
}

/** Removes a folder the creator itself wrote (a project folder or its staging copy). */
export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** rename, falling back to copy and remove when the two paths are on different file systems. */
export async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await rm(from, { recursive: true, force: true });
  }
}
