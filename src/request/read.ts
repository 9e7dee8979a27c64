// Reads and parses a request file, throwing RequestInvalidError with every problem found. Reads
// at most MAX_REQUEST_BYTES + 1 bytes: a request larger than the limit is refused by its size.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigError, RequestInvalidError } from '../errors.js';
import { parseRequestText } from './parse.js';
import type { Request } from './schema.js';

/** The largest request accepted, in bytes (1 MiB): a real one is well under 1 KiB. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const SIZE_EXPECTATION = `a request is at most 1 MiB (${MAX_REQUEST_BYTES} bytes)`;

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory, expected a file',
  ELOOP: 'a symbolic link, which is not followed',
};

/**
 * Up to `limit + 1` bytes of an open file, so a caller can tell "too large" from "exactly the
 * limit" without reading a huge file whose size grew after fstat.
 */
export async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

/** The text of a request file, or a ConfigError that says why it cannot be read. */
export async function readRequestText(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const what = stats.isDirectory() ? 'it is a directory' : 'not a regular file';
      throw new ConfigError(`cannot read the request file ${path}: ${what}, expected a file`);
    }
    if (stats.size > MAX_REQUEST_BYTES) {
      throw new ConfigError(`cannot read the request file ${path}: it is ${stats.size} bytes; ${SIZE_EXPECTATION}`);
    }
    const bytes = await readAtMost(handle, MAX_REQUEST_BYTES);
    if (bytes.length > MAX_REQUEST_BYTES) {
      throw new ConfigError(`cannot read the request file ${path}: it grew beyond the limit; ${SIZE_EXPECTATION}`);
    }
    return bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw cannotRead(path, error);
  } finally {
    await handle.close();
  }
}

function cannotRead(path: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === undefined ? String(error) : `${READ_FAILURES[code] ?? 'error'} (${code})`;
  return new ConfigError(`cannot read the request file ${path}: ${reason}`, { cause: error });
}

export async function readRequestFile(path: string): Promise<Request> {
  const text = await readRequestText(path);
  const result = parseRequestText(text);
  if (!result.ok) throw new RequestInvalidError(path, result.issues);
  return result.value;
}

/** One line that says what a request will do. */
export function summarizeRequest(request: Request): string {
  return (
    `${request.database} on ${request.server}: ${request.measures} for ${request.monitory_name_kept.join(', ')}, ` +
    `from wave ${request.wave_counter_threshold}, keeping ${request.delete_old_value} day(s), every ${request.sleep_time} s`
  );
}
