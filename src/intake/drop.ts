// The submit side of the drop folder: write a request atomically, then wait for its verdict.
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import type { StateLayout } from './layout.js';
import { newRequestId } from './request-id.js';
import { parseVerdict, verdictFileName, type Verdict } from './verdict.js';

/**
 * Writes `text` as `<id>.json` into the drop folder: a hidden temp file (which the creator ignores),
 * flushed, then renamed, so the creator never sees half a request. Returns the request id.
 */
export async function dropRequest(layout: StateLayout, database: string, text: string): Promise<string> {
  const id = newRequestId(database);
  const temp = join(layout.requests, `.${id}.json.tmp`);
  const path = join(layout.requests, `${id}.json`);
  try {
    const handle = await open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Group-readable whatever the operator's umask: the creator reads it through the group.
    await chmod(temp, 0o640);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? '; operators must be in the db-proxy-operators group (usermod -aG db-proxy-operators <user>, then log in again)'
        : code === 'ENOENT'
          ? '; is db-proxy installed (install.sh) and is --state-dir right?'
          : '';
    throw new ConfigError(`cannot write the request into the drop folder ${layout.requests}: ${code}${hint}`, {
      cause: error,
    });
  }
  return id;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Polls processed/ and failed/ for the verdict of a request; undefined after the timeout. */
export async function waitForVerdict(
  layout: StateLayout,
  requestId: string,
  options: WaitOptions,
): Promise<Verdict | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  const name = verdictFileName(requestId);
  for (;;) {
    for (const dir of [layout.processed, layout.failed]) {
      const verdict = await readVerdictFile(join(dir, name));
      if (verdict) return verdict;
    }
    if (Date.now() >= deadline || options.signal?.aborted) return undefined;
    await sleep(options.intervalMs ?? 100);
  }
}

async function readVerdictFile(path: string): Promise<Verdict | undefined> {
  try {
    return parseVerdict(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
