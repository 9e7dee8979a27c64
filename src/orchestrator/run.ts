// The creator's transaction over the orchestrator port: journal first, then the project folder
// and the orchestrator's change, readiness, and the verdict; any failure, or a creator killed
// half-way and started again, restores the project as the journal found it.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { exists, listProjects, move, readTextIfExists, removeFileIfExists, writeFileAtomic } from '../creator/files.js';
import { PROJECT_STATE_FILE, parseProjectState } from '../creator/project-files.js';
import { describeError } from '../errors.js';
import { projectDir, type StateLayout } from '../intake/layout.js';
import { makeVerdict, type Outcome, type Verdict } from '../intake/verdict.js';
import type { Logger } from '../logging/logger.js';
import { isSafeIdentifier } from '../request/identifiers.js';
import type { Observed, Orchestrator, Prepared, ProjectTarget, WorkerState } from './port.js';
import { commitFolder, installFolder, projectFolderFiles, restoreFolder } from './project-folder.js';

export interface RunContext {
  layout: StateLayout;
  logger: Logger;
}

export interface Handled {
  verdict: Verdict;
  /** Clean-up once the verdict is on disk. */
  commit: () => Promise<void>;
  /** The verdict could not be filed: the change is undone, so nothing is applied without one. */
  abort: () => Promise<void>;
}

const journalFields = {
  request_id: z.string(),
  request_file: z.string(),
  action: z.enum(['sync', 'remove']),
  database: z.string().refine(isSafeIdentifier),
  worker: z.string(),
  projects_dir: z.string(),
  had_folder: z.boolean(),
  started_at: z.string(),
};

interface Journal<Previous> {
  request_id: string;
  request_file: string;
  action: 'sync' | 'remove';
  database: string;
  worker: string;
  projects_dir: string;
  had_folder: boolean;
  started_at: string;
  previous: Previous;
}

/** One folder per orchestrator beside the systemd journals: inflight/kubernetes/<database>.json. */
function journalPath(layout: StateLayout, kind: string, database: string): string {
  return join(layout.inflight, kind, `${database}.json`);
}

type Any = Orchestrator<Prepared, unknown>;

const noop = (): Promise<void> => Promise.resolve();

interface Request_ {
  requestId: string;
  file: string;
  started: number;
}

function verdictOf(
  req: Request_,
  fields: { database: string; unit: string; action: 'sync' | 'remove' },
  outcome: Outcome,
  reasons: string[],
  state: WorkerState | null,
): Verdict {
  return makeVerdict({
    request_id: req.requestId,
    ...fields,
    outcome,
    reasons,
    unit_state: state?.activeState ?? null,
    unit_status: state?.detail ?? null,
    duration_ms: Date.now() - req.started,
  });
}

export async function runSync(
  orchestrator: Any,
  ctx: RunContext,
  target: ProjectTarget,
  req: Request_,
): Promise<Handled> {
  const database = target.request.database;
  const fields = { database, unit: orchestrator.workerName(database), action: 'sync' as const };
  let prepared: Prepared;
  try {
    prepared = orchestrator.prepare(target);
  } catch (error) {
    const reasons = [`the worker's ${orchestrator.kind} objects cannot be built: ${describeError(error)}`];
    return { verdict: verdictOf(req, fields, 'failed', reasons, null), commit: noop, abort: noop };
  }
  const observed = await observeOrVerdict(orchestrator, database, req, fields);
  if ('verdict' in observed) return observed;
  const dir = projectDir(ctx.layout, database);
  const state = {
    database,
    unit: prepared.worker,
    config_hash: prepared.configHash,
    request_id: req.requestId,
    applied_at: new Date().toISOString(),
  };
  const files = projectFolderFiles(target.request, target.effective, state);
  if (observed.complete && observed.configHash === prepared.configHash) {
    // Nothing is written to the cluster; the folder is laid out again only if it is missing or stale.
    const recorded = parseProjectState((await readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
    if (recorded?.config_hash !== prepared.configHash) {
      await installFolder(ctx.layout, database, files);
      await commitFolder(ctx.layout, database, false);
    }
    const reasons = ['the configuration is the same as the running one'];
    return { verdict: verdictOf(req, fields, 'unchanged', reasons, observed.state), commit: noop, abort: noop };
  }
  const journal: Journal<unknown> = {
    request_id: req.requestId,
    request_file: req.file,
    action: 'sync',
    database,
    worker: prepared.worker,
    projects_dir: ctx.layout.projects,
    had_folder: await exists(dir),
    started_at: new Date().toISOString(),
    previous: observed.previous,
  };
  const isNew = observed.configHash === null && !journal.had_folder;
  return inTransaction(orchestrator, ctx, journal, req, fields, async () => {
    await installFolder(ctx.layout, database, files);
    await orchestrator.activate(prepared);
    const readiness = await orchestrator.awaitReady(prepared);
    if (readiness.state !== 'ready') {
      throw new Error(
        `the worker ${prepared.worker} ${readiness.state === 'failed' ? 'failed' : 'did not become ready in time'}: ${readiness.worker.detail}`,
      );
    }
    return { outcome: isNew ? 'started' : 'restarted', state: readiness.worker };
  });
}

export async function runRemoval(
  orchestrator: Any,
  ctx: RunContext,
  database: string,
  req: Request_,
): Promise<Handled> {
  const fields = { database, unit: orchestrator.workerName(database), action: 'remove' as const };
  const observed = await observeOrVerdict(orchestrator, database, req, fields);
  if ('verdict' in observed) return observed;
  const hadFolder = await exists(projectDir(ctx.layout, database));
  if (observed.configHash === null && !hadFolder) {
    const known = await listProjects(ctx.layout);
    const reasons = [`there is no project ${database}; projects: ${known.length > 0 ? known.join(', ') : '(none)'}`];
    return { verdict: verdictOf(req, fields, 'rejected', reasons, null), commit: noop, abort: noop };
  }
  const journal: Journal<unknown> = {
    request_id: req.requestId,
    request_file: req.file,
    action: 'remove',
    database,
    worker: fields.unit,
    projects_dir: ctx.layout.projects,
    had_folder: hadFolder,
    started_at: new Date().toISOString(),
    previous: observed.previous,
  };
  return inTransaction(orchestrator, ctx, journal, req, fields, async () => {
    await orchestrator.deactivate(database);
    return { outcome: 'removed', state: { activeState: 'inactive', subState: 'removed', detail: 'removed' } };
  });
}

/** What runs now; when even that cannot be read (API down, access refused), a verdict: nothing was changed. */
async function observeOrVerdict(
  orchestrator: Any,
  database: string,
  req: Request_,
  fields: { database: string; unit: string; action: 'sync' | 'remove' },
): Promise<Observed<unknown> | Handled> {
  try {
    return await orchestrator.observe(database);
  } catch (error) {
    const reasons = [`nothing was changed: ${describeError(error)}`];
    return { verdict: verdictOf(req, fields, 'failed', reasons, null), commit: noop, abort: noop };
  }
}

async function inTransaction(
  orchestrator: Any,
  ctx: RunContext,
  journal: Journal<unknown>,
  req: Request_,
  fields: { database: string; unit: string; action: 'sync' | 'remove' },
  apply: () => Promise<{ outcome: Outcome; state: WorkerState }>,
): Promise<Handled> {
  const path = journalPath(ctx.layout, orchestrator.kind, journal.database);
  await writeFileAtomic(path, `${JSON.stringify(journal, null, 2)}\n`, 0o600);
  try {
    const done = await apply();
    return {
      verdict: verdictOf(req, fields, done.outcome, [], done.state),
      commit: async () => {
        await commitFolder(ctx.layout, journal.database, journal.action === 'remove');
        await removeFileIfExists(path);
      },
      abort: async () => {
        const lines = await rollback(orchestrator, ctx, journal);
        ctx.logger.error(
          `the verdict of ${journal.request_id} could not be written, so the change was undone: ${lines.join('; ')}`,
        );
      },
    };
  } catch (error) {
    const lines = await rollback(orchestrator, ctx, journal);
    return {
      verdict: verdictOf(req, fields, 'failed', [describeError(error), ...lines], null),
      commit: noop,
      abort: noop,
    };
  }
}

/** Restores the orchestrator's objects and the folder; each step runs even if one failed. */
async function rollback(orchestrator: Any, ctx: RunContext, journal: Journal<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const layout = { ...ctx.layout, projects: journal.projects_dir };
  const step = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      lines.push(`roll-back step failed (${what}): ${describeError(error)}`);
      ctx.logger.error(`roll-back of ${journal.database}: ${what} failed`, { error: describeError(error) });
    }
  };
  await step(`restore the ${orchestrator.kind} objects`, () =>
    orchestrator.restore(journal.database, journal.previous),
  );
  await step('restore the project folder', () => restoreFolder(layout, journal.database, journal.had_folder));
  await step('remove the journal', () =>
    removeFileIfExists(journalPath(ctx.layout, orchestrator.kind, journal.database)),
  );
  lines.unshift(
    journal.had_folder
      ? `rolled back: ${journal.worker} runs the previous configuration`
      : `rolled back: nothing was left of ${journal.database}`,
  );
  return lines;
}

/** On start: a request a killed creator left half-done is finished (verdict written) or rolled back. */
export async function recoverOrchestrated(
  orchestrator: Any,
  ctx: RunContext,
): Promise<{ database: string; request_id: string; result: 'finished' | 'rolled back' }[]> {
  const dir = join(ctx.layout.inflight, orchestrator.kind);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const schema = z.object({ ...journalFields, previous: orchestrator.previousSchema });
  const results: { database: string; request_id: string; result: 'finished' | 'rolled back' }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let parsed: Journal<unknown> | undefined;
    try {
      parsed = schema.parse(JSON.parse((await readTextIfExists(path)) ?? 'null'));
    } catch {
      ctx.logger.error(`ignoring an unreadable journal ${path}; check that project by hand`);
      continue;
    }
    const layout = { ...ctx.layout, projects: parsed.projects_dir };
    if (await exists(join(ctx.layout.processed, `${parsed.request_id}.verdict.json`))) {
      await commitFolder(layout, parsed.database, parsed.action === 'remove');
      if (await exists(parsed.request_file)) {
        await move(parsed.request_file, join(ctx.layout.processed, basename(parsed.request_file)));
      }
      await removeFileIfExists(path);
      results.push({ database: parsed.database, request_id: parsed.request_id, result: 'finished' });
    } else {
      await rollback(orchestrator, { ...ctx, layout }, parsed);
      results.push({ database: parsed.database, request_id: parsed.request_id, result: 'rolled back' });
    }
  }
  return results;
}
