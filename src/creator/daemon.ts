// The creator daemon: watches the drop folder (chokidar, plus a periodic re-scan), hands each
// request to the per-database queue, writes the verdict and moves the request beside it.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { loadDefaults } from '../config/load-defaults.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { isRequestFileName, stateLayout } from '../intake/layout.js';
import { writeVerdict, type Verdict } from '../intake/verdict.js';
import type { Notifier } from '../systemd/notify.js';
import { guessDatabase, handleRequest, listProjects, recoverInflight, type ApplyContext } from './apply.js';
import { exists, move } from './files.js';
import { recoverOnKubernetes } from '../orchestrator/kubernetes/handle.js';
import { KeyedQueue } from './queue.js';

export interface CreatorOptions {
  ctx: ApplyContext;
  notifier: Notifier;
  /** Seconds between full re-scans of the drop folder, in case the watcher missed an event. */
  rescanSeconds: number;
  /** Requests of different databases handled at once. */
  parallel: number;
  /** Called with every verdict (tests, status). */
  onVerdict?: (verdict: Verdict) => void;
}

export interface Creator {
  /** Stops watching, lets the requests under way finish. */
  close(): Promise<void>;
}

export async function startCreator(options: CreatorOptions): Promise<Creator> {
  const { ctx, notifier } = options;
  const logger: Logger = ctx.logger;
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  for (const dir of [layout.processed, layout.failed, layout.projects, layout.archive, layout.inflight]) {
    await mkdir(dir, { recursive: true });
  }
  await stat(layout.requests).catch((error: unknown) => {
    throw new Error(`the drop folder ${layout.requests} is missing; run install.sh: ${describeError(error)}`);
  });

  for (const recovered of [...(await recoverInflight(ctx)), ...(await recoverOnKubernetes(ctx))]) {
    logger.warn(`request ${recovered.request_id} for ${recovered.database} was interrupted; ${recovered.result}`, {
      project: recovered.database,
    });
  }

  const queue = new KeyedQueue(options.parallel);
  /** Requests queued or being handled, by file name: events and re-scans may report one twice. */
  const pending = new Set<string>();
  let handled = 0;
  let last = '';

  const updateStatus = async (): Promise<void> => {
    const projects = (await listProjects(layout)).length;
    const busy = pending.size > 0 ? `${pending.size} request(s) under way` : 'idle';
    await notifier.status(
      `${busy}; ${projects} project(s); ${handled} request(s) handled${last ? `; last: ${last}` : ''}`,
    );
  };

  const enqueue = (path: string): void => {
    const name = basename(path);
    if (!isRequestFileName(name) || pending.has(name)) return;
    pending.add(name);
    void (async () => {
      // Requests of one database run in order; a request without a readable database gets its own lane.
      const database = guessDatabase(await readFile(path, 'utf8').catch(() => ''));
      await queue.push(database ?? `file:${name}`, async () => {
        try {
          // A late watcher event for a request already handled and moved away.
          if (await exists(path)) await handleOne(path);
        } finally {
          pending.delete(name);
          void updateStatus().catch(() => undefined);
        }
      });
    })();
  };

  const handleOne = async (path: string): Promise<void> => {
    const handled_ = await handleRequest(ctx, path);
    const { verdict } = handled_;
    const dir = verdict.accepted ? layout.processed : layout.failed;
    try {
      await writeVerdict(dir, verdict);
      await move(path, join(dir, basename(path)));
      await handled_.commit();
    } catch (error) {
      logger.error(`cannot file the verdict of ${basename(path)}: ${describeError(error)}`);
    }
    handled += 1;
    last = `${verdict.database ?? basename(path)} ${verdict.outcome}`;
    const fields = {
      project: verdict.database ?? undefined,
      unit: verdict.unit ?? undefined,
      request: verdict.request_id,
      ms: verdict.duration_ms,
      state: verdict.unit_state ?? undefined,
    };
    const message = `request ${verdict.outcome}${verdict.reasons.length > 0 ? `: ${verdict.reasons.join('; ')}` : ''}`;
    if (verdict.outcome === 'failed') logger.error(message, fields);
    else if (verdict.outcome === 'rejected') logger.warn(message, fields);
    else logger.info(message, fields);
    options.onVerdict?.(verdict);
  };

  const rescan = async (): Promise<void> => {
    const names = (await readdir(layout.requests)).filter(isRequestFileName);
    // Arrival order: oldest first (names of submitted requests also start with their time).
    const withTimes = await Promise.all(
      names.map(async (name) => ({
        name,
        mtime: (await stat(join(layout.requests, name)).catch(() => undefined))?.mtimeMs ?? 0,
      })),
    );
    withTimes.sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : 1));
    for (const { name } of withTimes) enqueue(join(layout.requests, name));
  };

  // What is already there first, in order; then the watcher (whose initial events are skipped).
  await rescan();
  const watcher: FSWatcher = watch(layout.requests, {
    depth: 0,
    ignoreInitial: true,
    // A file copied in by hand is taken once its size stopped changing.
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
    ignored: (path, stats) => stats?.isFile() === true && !isRequestFileName(basename(path)),
  });
  watcher.on('add', (path) => enqueue(path));
  watcher.on('error', (error) => logger.error(`watching ${layout.requests} failed: ${describeError(error)}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const timer = setInterval(() => {
    rescan().catch((error: unknown) => logger.error(`re-scanning ${layout.requests} failed: ${describeError(error)}`));
  }, options.rescanSeconds * 1000);

  logger.info('creator ready', { requests: layout.requests, projects: (await listProjects(layout)).length });
  await notifier.ready(`watching ${layout.requests}`);
  void updateStatus().catch(() => undefined);

  return {
    async close() {
      clearInterval(timer);
      await watcher.close();
      await queue.idle();
    },
  };
}
