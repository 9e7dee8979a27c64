// Durable "being handled" markers, one per request: written (and flushed) before the creator
// handles a request, removed once its verdict is filed. A marker found at the next start means the
// creator died while handling that request (out of memory, a crash, kill -9); after MAX_ATTEMPTS
// such deaths the request is quarantined with a verdict instead of being handled again for ever.
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Times a request is handled while the creator dies during it; the next time it is quarantined. */
export const MAX_ATTEMPTS = 2;

export class AttemptMarkers {
  constructor(private readonly dir: string) {}

  /** How many times the creator started on this request and died before its verdict. */
  async previous(name: string): Promise<number> {
    try {
      const count = Number.parseInt(await readFile(this.path(name), 'utf8'), 10);
      return Number.isInteger(count) && count > 0 ? count : 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      // A marker that cannot be read still says the creator died on this request.
      return 1;
    }
  }

  /** Records one more attempt, flushed (file and folder) before the request is handled. */
  async begin(name: string, attempt: number): Promise<void> {
    const path = this.path(name);
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${attempt}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDir(this.dir);
  }

  /** The request got its verdict. */
  async end(name: string): Promise<void> {
    await unlink(this.path(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Drops the markers of requests no longer in the drop folder (their verdict was filed). */
  async prune(present: ReadonlySet<string>): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!present.has(name.replace(/\.tmp$/, ''))) await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private path(name: string): string {
    return join(this.dir, name);
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
