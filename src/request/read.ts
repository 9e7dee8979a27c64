// Reads and parses a request file, throwing RequestInvalidError with every problem found.
import { readFile } from 'node:fs/promises';
import { ConfigError, RequestInvalidError } from '../errors.js';
import { parseRequestText } from './parse.js';
import type { Request } from './schema.js';

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory, expected a file',
};

/** The text of a request file, or a ConfigError that says why it cannot be read. */
export async function readRequestText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === undefined ? String(error) : `${READ_FAILURES[code] ?? 'error'} (${code})`;
    throw new ConfigError(`cannot read the request file ${path}: ${reason}`, { cause: error });
  }
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
