// A project's sync run in the test's own process: its effective configuration, a real source and
// sink, and cycles at clock times the test chooses (the loop's memory kept between them).
import { loadProject } from '../../src/config/load-project.js';
import type { EffectiveConfig } from '../../src/config/effective.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { readRequestFile } from '../../src/request/read.js';
import { connectProject } from '../../src/sync/connect.js';
import { runCycle, type CycleMemory, type CycleReport } from '../../src/sync/cycle.js';
import type { Sink } from '../../src/sync/sink.js';
import type { Source } from '../../src/sync/source.js';
import type { SyncProject } from './sync-project.js';

export interface InProcessSync {
  config: EffectiveConfig;
  source: Source;
  sink: Sink;
  logger: Logger;
  /** One cycle at unix time `at`, as the loop runs it. */
  cycle: (at: number) => Promise<CycleReport>;
  close: () => Promise<void>;
}

export async function inProcessSync(project: SyncProject): Promise<InProcessSync> {
  const request = await readRequestFile(project.requestPath);
  const { config, credentials } = await loadProject(request, project.config.dir);
  const { source, sink } = connectProject({ config, credentials });
  const logger = createLogger({ level: 'error' });
  const memory: CycleMemory = {};
  return {
    config,
    source,
    sink,
    logger,
    cycle: (at) => runCycle(config, { source, sink, logger, now: () => at, memory }),
    close: async () => {
      await Promise.allSettled([source.close(), sink.close()]);
    },
  };
}
