// Checks made once per source before its first cycle: the server's CRC32 is the one digests rely
// on, the cycle table has the index retention expects, and dropped monitory names are reported.
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { droppedCollections } from './dropped.js';
import type { Source } from './source.js';
import type { CollectionState } from './types.js';

const checked = new WeakSet<Source>();

export async function preflight(
  source: Source,
  states: readonly CollectionState[],
  kept: readonly string[],
  logger: Logger,
): Promise<void> {
  if (checked.has(source)) return;
  await source.verifyCrc32();
  try {
    if (!(await source.hasCycleIndex()))
      logger.warn(
        'the cycle table has no index starting with (monitory name, wave counter): retention and reads of cycle rows scan more than they need; see "Source schema" in the README',
      );
  } catch (error) {
    // Reading information_schema is a courtesy; a user without access to it syncs all the same.
    logger.debug(`could not read the indexes of the cycle table: ${describeError(error)}`);
  }
  const dropped = droppedCollections(states, kept);
  if (dropped.length > 0)
    logger.warn(
      `no longer synced (monitory name not kept in the request): ${dropped.join(', ')}; their documents stay until retention ages them out`,
      { collections: dropped.length },
    );
  checked.add(source);
}
