// The creator daemon: takes each complete request from the drop folder (src/intake/drop-watch.ts),
// puts it in its database's queue lane at once, handles it with the bytes read, writes the verdict
// and moves the request beside it. Entries refused unread get a verdict too.
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadDefaults } from '../config/load-defaults.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { AttemptMarkers, MAX_ATTEMPTS } from '../intake/attempts.js';
import { watchDropFolder } from '../intake/drop-watch.js';
import { isRequestFileName, requestIdOf, stateLayout } from '../intake/layout.js';
import { makeVerdict, writeVerdict, type Verdict } from '../intake/verdict.js';
import type { Notifier } from '../systemd/notify.js';
import {
  guessDatabase,
  handleRequest,
  listProjects,
  recoverInflight,
  type ApplyContext,
  type Handled,
} from './apply.js';
import { exists, move } from './files.js';
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
  /** How a request is handled; handleRequest unless a test says otherwise. */
  handle?: (ctx: ApplyContext, file: string, text: string) => Promise<Handled>;
  /** How long a file must stay unchanged before it is read (tests shorten it). */
  stableMs?: number;
  /** How long a file whose JSON ends too soon may stay unchanged before it is judged (tests shorten it). */
  incompleteGraceMs?: number;
}

export interface Creator {
  /** Stops watching, lets the requests under way finish. */
  close(): Promise<void>;
}

export async function startCreator(options: CreatorOptions): Promise<Creator> {
  const { ctx, notifier } = options;
  const handle = options.handle ?? handleRequest;
  const logger: Logger = ctx.logger;
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  for (const dir of [layout.processed, layout.failed, layout.projects, layout.archive, layout.inflight]) {
    await mkdir(dir, { recursive: true });
  }
  await mkdir(layout.attempts, { recursive: true, mode: 0o700 });
  await stat(layout.requests).catch((error: unknown) => {
    throw new Error(`the drop folder ${layout.requests} is missing; run install.sh: ${describeError(error)}`);
  });

  for (const recovered of await recoverInflight(ctx)) {
    logger.warn(`request ${recovered.request_id} for ${recovered.database} was interrupted; ${recovered.result}`, {
      project: recovered.database,
    });
  }
  const attempts = new AttemptMarkers(layout.attempts);
  await attempts.prune(new Set((await readdir(layout.requests)).filter(isRequestFileName)));

  const queue = new KeyedQueue(options.parallel);
  /** Requests queued or being handled, by file name. */
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

  const report = (verdict: Verdict, name: string): void => {
    handled += 1;
    last = `${verdict.database ?? name} ${verdict.outcome}`;
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

  /** A verdict for something that was not handled: refused unread, or quarantined. */
  const plainVerdict = (name: string, outcome: 'rejected' | 'failed', reasons: string[], database: string | null) =>
    makeVerdict({
      request_id: requestIdOf(name),
      database,
      unit: null,
      action: null,
      outcome,
      reasons,
      unit_state: null,
      unit_status: null,
      duration_ms: 0,
    });

  const handleOne = async (path: string, text: string): Promise<void> => {
    const name = basename(path);
    // Only its owner can remove it (the drop folder is sticky): a request withdrawn while queued.
    if (!(await exists(path))) {
      logger.info(`request ${name} was withdrawn from the drop folder before its turn`);
      return;
    }
    const previous = await attempts.previous(name);
    let handled_: Handled;
    if (previous >= MAX_ATTEMPTS) {
      const reason =
        `quarantined: the creator stopped ${previous} times while handling this request (out of memory, a crash, or killed), ` +
        `so it is not handled again; any change under way was rolled back at start`;
      handled_ = {
        verdict: plainVerdict(name, 'failed', [reason], guessDatabase(text)),
        commit: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      };
    } else {
      await attempts.begin(name, previous + 1);
      handled_ = await handle(ctx, path, text);
    }
    const { verdict } = handled_;
    const dir = verdict.accepted ? layout.processed : layout.failed;
    try {
      await writeVerdict(dir, verdict);
      await move(path, join(dir, name));
      await attempts.end(name);
      await handled_.commit();
    } catch (error) {
      logger.error(`cannot file the verdict of ${name}: ${describeError(error)}`);
      // No change may stay applied without its verdict; the request stays and is handled again.
      if (!(await exists(join(dir, `${verdict.request_id}.verdict.json`)))) {
        await handled_.abort().catch((abortError: unknown) => logger.error(describeError(abortError)));
      }
      // The creator did not die on this request: the next try must not count as a crash.
      await attempts.end(name).catch(() => undefined);
    }
    report(verdict, name);
  };

  const watch = await watchDropFolder({
    dir: layout.requests,
    logger,
    rescanSeconds: options.rescanSeconds,
    ...(options.stableMs === undefined ? {} : { stableMs: options.stableMs }),
    ...(options.incompleteGraceMs === undefined ? {} : { incompleteGraceMs: options.incompleteGraceMs }),
    isPending: (name) => pending.has(name),
    onRequest: ({ name, path, text }) => {
      // Synchronously, before any await: the lane and the place in it are fixed in arrival order.
      pending.add(name);
      void queue.push(guessDatabase(text) ?? `file:${name}`, async () => {
        try {
          await handleOne(path, text);
        } finally {
          pending.delete(name);
          void updateStatus().catch(() => undefined);
        }
      });
    },
    onRefused: async ({ name, path, reason, keep }) => {
      const verdict = plainVerdict(name, 'rejected', [reason], null);
      try {
        await writeVerdict(layout.failed, verdict);
        // rename and unlink act on the entry itself, never on what a link points to.
        if (keep) await moveAside(path, join(layout.failed, name));
        else await unlink(path);
      } catch (error) {
        logger.error(`cannot file the verdict of ${name}: ${describeError(error)}`);
      }
      report(verdict, name);
    },
  });

  logger.info('creator ready', { requests: layout.requests, projects: (await listProjects(layout)).length });
  await notifier.ready(`watching ${layout.requests}`);
  void updateStatus().catch(() => undefined);

  return {
    async close() {
      await watch.close();
      await queue.idle();
    },
  };
}

/**
 * rename into failed/; when an entry of that name is already there (a directory cannot replace
 * one), under a name of its own, so the entry never stays in the drop folder to be refused again.
 */
async function moveAside(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!['EEXIST', 'ENOTEMPTY', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error;
    await rename(from, `${to}.${Date.now()}`);
  }
}
