// The monitor removes the heartbeats of this host's removed projects, so that no other host's
// `status --fleet` shows a project that is gone as overdue for ever.
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { heartbeatsOfRemovedProjects } from './fleet.js';
import type { Gathered } from './gather.js';

/** How many heartbeats were removed; a failure is logged, and the next check tries again. */
export async function retireRemovedHeartbeats(seen: Gathered, host: string, logger: Logger): Promise<number> {
  if (!seen.heartbeatsRead || !seen.credentials) return 0;
  const stale = heartbeatsOfRemovedProjects(seen.projects, seen.heartbeats, host);
  if (stale.length === 0) return 0;
  const { openHeartbeatStore } = await import('./store.js');
  const store = openHeartbeatStore(
    seen.credentials.MONGO_URL,
    seen.defaults.mongo_database,
    seen.defaults.sync.connect_timeout_seconds,
  );
  let removed = 0;
  try {
    for (const beat of stale) {
      if (await store.deleteIfUnchanged(beat)) {
        removed += 1;
        logger.info(`heartbeat of ${beat.project} removed: the project has no folder on this host any more`, {
          project: beat.project,
        });
      }
    }
  } catch (error) {
    logger.warn(`heartbeats of removed projects not removed, trying again at the next check: ${describeError(error)}`);
  } finally {
    await store.close();
  }
  return removed;
}
