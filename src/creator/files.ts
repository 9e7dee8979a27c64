// Small file operations the creator's transactions are built from, durable (file and folder
// flushed) before they count, and the port the transaction runner performs them through.
import { cp, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes a folder, so that a rename or unlink in it survives a power cut. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface WriteOptions {
  mode?: number;
  /**
   * A file reserved earlier in the same folder (see reserveFile): its blocks are overwritten in
   * place and it is renamed onto `path`, so the write needs no new space on a full disk.
   */
  reserved?: string;
}

/** Writes a file through a temp file and a rename, file and folder flushed: readers see the old or the new text. */
export async function writeFileAtomic(path: string, text: string, options: WriteOptions | number = {}): Promise<void> {
  const { mode = 0o640, reserved } = typeof options === 'number' ? { mode: options } : options;
  await mkdir(dirname(path), { recursive: true });
  let temp = `${path}.tmp-${process.pid}`;
  let handle;
  if (reserved !== undefined && (await exists(reserved))) {
    temp = reserved;
    handle = await open(temp, 'r+');
  } else {
    handle = await open(temp, 'w', mode);
  }
  try {
    // Exactly this mode, whatever the umask (the monitor's unit has UMask=0077, and its status
    // snapshot is for the operators' group).
    await handle.chmod(mode);
    const bytes = Buffer.from(text, 'utf8');
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.truncate(bytes.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDir(dirname(path));
}

/** Allocates `bytes` on disk for a later writeFileAtomic(…, { reserved }); throws (ENOSPC) when there is no room. */
export async function reserveFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    // Written, not a sparse truncate: the blocks must really be allocated.
    await handle.write(Buffer.alloc(bytes, 0x20), 0, bytes, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDir(dirname(path));
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
  try {
    await unlink(path);
  } catch (error) {
    if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  await syncDir(dirname(path));
}

/** rmdir that tolerates a missing or non-empty folder (someone else's files stay). */
export async function removeDirIfEmpty(path: string): Promise<void> {
  await rmdir(path).catch((error: NodeJS.ErrnoException) => {
    if (!['ENOENT', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(error.code ?? '')) throw error;
  });
}

/** Removes a folder the creator itself wrote (a project folder or its staging copy). */
export async function removeTree(path: string): Promise<void> {
  if (!(await exists(path))) return;
  await rm(path, { recursive: true, force: true });
  await syncDir(dirname(path));
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
  await syncDir(dirname(to));
  if (dirname(from) !== dirname(to)) await syncDir(dirname(from));
}

/** The file operations a transaction performs: a port, so tests can fail or "crash" at any of them. */
export interface FilePort {
  writeFileAtomic(path: string, text: string, options?: WriteOptions | number): Promise<void>;
  reserveFile(path: string, bytes: number): Promise<void>;
  readTextIfExists(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  removeFileIfExists(path: string): Promise<void>;
  removeDirIfEmpty(path: string): Promise<void>;
  removeTree(path: string): Promise<void>;
  move(from: string, to: string): Promise<void>;
}

export const realFiles: FilePort = {
  writeFileAtomic,
  reserveFile,
  readTextIfExists,
  exists,
  removeFileIfExists,
  removeDirIfEmpty,
  removeTree,
  move,
};

/** The project folders under `layout.projects`, sorted; none when the folder is missing. */
export async function listProjects(layout: { projects: string }): Promise<string[]> {
  try {
    return (await readdir(layout.projects, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
