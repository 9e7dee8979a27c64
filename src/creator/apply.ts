// Applies one request to the host — project folder, drop-in, daemon-reload, start, restart or
// removal — behind a journal in inflight/, so that a failure half-way, or a crash of the creator,
// rolls the project back to exactly where it was. No half-rendered unit is ever enabled: the
// unit is enabled only after its folder and drop-in are complete.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { loadDefaults } from '../config/load-defaults.js';
import { mergeConfig } from '../config/effective.js';
import type { Defaults } from '../config/defaults-schema.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { projectDir, requestIdOf, stateLayout, type StateLayout } from '../intake/layout.js';
import { makeVerdict, type Outcome, type Verdict } from '../intake/verdict.js';
import { isSafeIdentifier } from '../request/identifiers.js';
import { parseJsonText } from '../request/json-text.js';
import { parseSubmissionText } from '../request/submission.js';
import { handleOnKubernetes } from '../orchestrator/kubernetes/handle.js';
import { projectUnitName } from '../systemd/escape.js';
import type { Systemctl } from '../systemd/systemctl.js';
import {
  exists,
  move,
  readTextIfExists,
  removeDirIfEmpty,
  removeFileIfExists,
  removeTree,
  writeFileAtomic,
} from './files.js';
import { DROP_IN_FILE, PROJECT_STATE_FILE, parseProjectState, planProject, type ProjectPlan } from './project-files.js';
import type { UnitSnapshot, UnitStates } from './unit-states.js';

export interface ApplyContext {
  stateDir: string;
  configDir: string;
  /** Where drop-ins go: /etc/systemd/system. */
  unitDir: string;
  dropInTemplate: string;
  systemctl: Systemctl;
  /** daemon-reload, shared by requests handled at the same time. */
  reload: () => Promise<void>;
  units: UnitStates;
  /** How long to wait for a started unit to become active before the verdict is written. */
  settleMs: number;
  logger: Logger;
}

const JournalSchema = z.object({
  request_id: z.string(),
  request_file: z.string(),
  action: z.enum(['sync', 'remove']),
  database: z.string().refine(isSafeIdentifier),
  unit: z.string(),
  unit_dir: z.string(),
  projects_dir: z.string(),
  had_project: z.boolean(),
  previous_drop_in: z.string().nullable(),
  was_active: z.boolean(),
  started_at: z.string(),
});

/** What the creator is in the middle of, written before it changes anything. */
export type Journal = z.infer<typeof JournalSchema>;

export interface Handled {
  verdict: Verdict;
  /** Clean-up once the verdict is on disk: drops the previous folder, archives a removed one. */
  commit: () => Promise<void>;
}

const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);

function isRunning(snapshot: UnitSnapshot): boolean {
  return RUNNING_STATES.has(snapshot.ActiveState) && snapshot.SubState !== 'auto-restart';
}

/** Handles one request file: validates it again, then applies it. Never throws: every failure is a verdict. */
export async function handleRequest(ctx: ApplyContext, file: string): Promise<Handled> {
  const started = Date.now();
  try {
    return await handleRequestOrThrow(ctx, file, started);
  } catch (error) {
    // Reached only before anything changed (apply steps roll back themselves): nothing to undo.
    ctx.logger.error(`request ${basename(file)} failed before any change: ${describeError(error)}`);
    return {
      verdict: makeVerdict({
        request_id: requestIdOf(basename(file)),
        database: null,
        unit: null,
        action: null,
        outcome: 'failed',
        reasons: [`nothing was changed: ${describeError(error)}`],
        unit_state: null,
        unit_status: null,
        duration_ms: Date.now() - started,
      }),
      commit: () => Promise.resolve(),
    };
  }
}

async function handleRequestOrThrow(ctx: ApplyContext, file: string, started: number): Promise<Handled> {
  const requestId = requestIdOf(basename(file));
  const verdict: MakeVerdict = (outcome, fields, snapshot) =>
    makeVerdict({
      request_id: requestId,
      ...fields,
      outcome,
      unit_state: snapshot ? snapshot.ActiveState : null,
      unit_status: snapshot?.StatusText ? snapshot.StatusText : null,
      duration_ms: Date.now() - started,
    });
  const noop = (): Promise<void> => Promise.resolve();

  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    const reason = `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? describeError(error)}`;
    return {
      verdict: verdict('rejected', { database: null, unit: null, action: null, reasons: [reason] }),
      commit: noop,
    };
  }
  if (text === undefined) {
    return {
      verdict: verdict('rejected', { database: null, unit: null, action: null, reasons: [`${file} vanished`] }),
      commit: noop,
    };
  }

  let defaults: Defaults;
  try {
    defaults = await loadDefaults(ctx.configDir);
  } catch (error) {
    return {
      verdict: verdict('failed', {
        database: guessDatabase(text),
        unit: null,
        action: null,
        reasons: [`the private defaults cannot be read: ${describeError(error)}`],
      }),
      commit: noop,
    };
  }
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);

  const parsed = parseSubmissionText(text);
  if (!parsed.ok) {
    const database = guessDatabase(text);
    const reasons = [...parsed.issues];
    const unit = database ? projectUnitName(defaults.unit_prefix, database) : null;
    if (database && (await exists(projectDir(layout, database)))) {
      reasons.push(`the running project ${database} was left as it was`);
    }
    return { verdict: verdict('rejected', { database, unit, action: null, reasons }), commit: noop };
  }

  const submission = parsed.value;
  if (defaults.orchestrator === 'kubernetes') {
    return handleOnKubernetes({ layout, defaults, submission, requestId, file, started, logger: ctx.logger });
  }
  if (submission.action === 'remove') {
    return applyRemoval(ctx, layout, defaults, submission.database, requestId, file, verdict);
  }
  const request = submission.request;
  const unit = projectUnitName(defaults.unit_prefix, request.database);
  const merged = mergeConfig(request, defaults);
  if (!merged.ok) {
    const reasons = [...merged.issues];
    if (await exists(projectDir(layout, request.database))) {
      reasons.push(`the running project ${request.database} was left as it was`);
    }
    return {
      verdict: verdict('rejected', { database: request.database, unit, action: 'sync', reasons }),
      commit: noop,
    };
  }
  let plan: ProjectPlan;
  try {
    plan = planProject(request, merged.value, ctx.dropInTemplate, requestId);
  } catch (error) {
    return {
      verdict: verdict('failed', {
        database: request.database,
        unit,
        action: 'sync',
        reasons: [`the unit's drop-in cannot be rendered: ${describeError(error)}`],
      }),
      commit: noop,
    };
  }
  return applySync(ctx, layout, plan, requestId, file, verdict);
}

type MakeVerdict = (
  outcome: Outcome,
  fields: { database: string | null; unit: string | null; action: 'sync' | 'remove' | null; reasons: string[] },
  snapshot?: UnitSnapshot,
) => Verdict;

async function applySync(
  ctx: ApplyContext,
  layout: StateLayout,
  plan: ProjectPlan,
  requestId: string,
  file: string,
  verdict: MakeVerdict,
): Promise<Handled> {
  const { database, unit } = plan;
  const fields = { database, unit, action: 'sync' as const };
  const dir = projectDir(layout, database);
  const dropInPath = join(ctx.unitDir, `${unit}.d`, DROP_IN_FILE);
  const current = parseProjectState((await readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
  const currentDropIn = await readTextIfExists(dropInPath);
  const before = await ctx.units.snapshot(unit);

  if (current?.config_hash === plan.configHash && currentDropIn === plan.dropIn) {
    if (isRunning(before)) {
      return {
        verdict: verdict(
          'unchanged',
          { ...fields, reasons: ['the configuration is the same as the running one'] },
          before,
        ),
        commit: () => Promise.resolve(),
      };
    }
    // Same settings, but the unit is not running (stopped by hand, or failed): submitting again starts it.
    try {
      await ctx.systemctl.enable(unit);
      await ctx.systemctl.resetFailed(unit);
      await ctx.systemctl.start(unit);
      const settled = await ctx.units.waitSettled(unit, ctx.settleMs);
      const reasons = [`the configuration is unchanged; the unit was ${before.ActiveState}, so it was started again`];
      if (settled.state === 'failed') {
        return {
          verdict: verdict(
            'failed',
            { ...fields, reasons: [...reasons, workerFailure(unit, settled.snapshot)] },
            settled.snapshot,
          ),
          commit: () => Promise.resolve(),
        };
      }
      return { verdict: verdict('started', { ...fields, reasons }, settled.snapshot), commit: () => Promise.resolve() };
    } catch (error) {
      return {
        verdict: verdict('failed', { ...fields, reasons: [describeError(error)] }),
        commit: () => Promise.resolve(),
      };
    }
  }

  const journal: Journal = {
    request_id: requestId,
    request_file: file,
    action: 'sync',
    database,
    unit,
    unit_dir: ctx.unitDir,
    projects_dir: layout.projects,
    had_project: await exists(dir),
    previous_drop_in: currentDropIn ?? null,
    was_active: isRunning(before),
    started_at: new Date().toISOString(),
  };
  const isNew = !journal.had_project && currentDropIn === undefined;
  return inTransaction(ctx, layout, journal, fields, verdict, async () => {
    await installProjectFolder(layout, database, plan.files);
    await writeFileAtomic(dropInPath, plan.dropIn, 0o644);
    await ctx.reload();
    await ctx.systemctl.enable(unit);
    if (journal.was_active) {
      await ctx.systemctl.restart(unit);
    } else {
      await ctx.systemctl.resetFailed(unit);
      await ctx.systemctl.start(unit);
    }
    const settled = await ctx.units.waitSettled(
      unit,
      ctx.settleMs,
      journal.was_active ? before.InvocationID : undefined,
    );
    if (settled.state === 'failed') throw new Error(workerFailure(unit, settled.snapshot));
    const reasons =
      settled.state === 'active'
        ? []
        : [
            `the unit is still ${settled.snapshot.ActiveState} after ${Math.round(ctx.settleMs / 1000)} s (it becomes active once MySQL and MongoDB answer)`,
          ];
    return { outcome: isNew ? 'started' : 'restarted', reasons, snapshot: settled.snapshot };
  });
}

async function applyRemoval(
  ctx: ApplyContext,
  layout: StateLayout,
  defaults: Defaults,
  database: string,
  requestId: string,
  file: string,
  verdict: MakeVerdict,
): Promise<Handled> {
  const unit = projectUnitName(defaults.unit_prefix, database);
  const fields = { database, unit, action: 'remove' as const };
  const dir = projectDir(layout, database);
  const dropInPath = join(ctx.unitDir, `${unit}.d`, DROP_IN_FILE);
  const currentDropIn = await readTextIfExists(dropInPath);
  const hadProject = await exists(dir);
  if (!hadProject && currentDropIn === undefined) {
    const known = await listProjects(layout);
    return {
      verdict: verdict('rejected', {
        ...fields,
        reasons: [`there is no project ${database}; projects: ${known.length > 0 ? known.join(', ') : '(none)'}`],
      }),
      commit: () => Promise.resolve(),
    };
  }
  const before = await ctx.units.snapshot(unit);
  const journal: Journal = {
    request_id: requestId,
    request_file: file,
    action: 'remove',
    database,
    unit,
    unit_dir: ctx.unitDir,
    projects_dir: layout.projects,
    had_project: hadProject,
    previous_drop_in: currentDropIn ?? null,
    was_active: isRunning(before),
    started_at: new Date().toISOString(),
  };
  return inTransaction(ctx, layout, journal, fields, verdict, async () => {
    await ctx.systemctl.disableNow(unit);
    await ctx.systemctl.resetFailed(unit);
    await removeFileIfExists(dropInPath);
    await removeDirIfEmpty(join(ctx.unitDir, `${unit}.d`));
    await ctx.reload();
    return { outcome: 'removed', reasons: [], snapshot: await ctx.units.snapshot(unit) };
  });
}

/**
 * Writes the journal, then applies: success keeps the changes until the caller has filed the
 * verdict and commits; any failure rolls back at once.
 */
async function inTransaction(
  ctx: ApplyContext,
  layout: StateLayout,
  journal: Journal,
  fields: { database: string; unit: string; action: 'sync' | 'remove' },
  verdict: MakeVerdict,
  apply: () => Promise<{ outcome: Outcome; reasons: string[]; snapshot: UnitSnapshot }>,
): Promise<Handled> {
  await writeJournal(layout, journal);
  try {
    const done = await apply();
    return {
      verdict: verdict(done.outcome, { ...fields, reasons: done.reasons }, done.snapshot),
      commit: () => commitJournal(layout, journal),
    };
  } catch (error) {
    const rolledBack = await rollback(ctx, layout, journal);
    return {
      verdict: verdict('failed', { ...fields, reasons: [describeError(error), ...rolledBack] }),
      commit: () => Promise.resolve(),
    };
  }
}

function workerFailure(unit: string, snapshot: UnitSnapshot): string {
  const status =
    snapshot.ExecMainStatus && snapshot.ExecMainStatus !== '0' ? ` with status ${snapshot.ExecMainStatus}` : '';
  const hint = snapshot.ExecMainStatus === '78' ? ' (78: a configuration problem)' : '';
  const last = snapshot.StatusText ? `; its last status: ${snapshot.StatusText}` : '';
  return `the worker of ${unit} exited${status}${hint} (${snapshot.Result || snapshot.SubState})${last}; see journalctl -u ${unit}`;
}

/** Writes the new project folder beside the old one, then swaps it in with two renames. */
async function installProjectFolder(
  layout: StateLayout,
  database: string,
  files: Record<string, string>,
): Promise<void> {
  const dir = projectDir(layout, database);
  const staging = stagingDir(layout, database);
  const previous = previousDir(layout, database);
  await removeTree(staging);
  for (const [name, text] of Object.entries(files)) await writeFileAtomic(join(staging, name), text, 0o640);
  if (await exists(dir)) {
    await removeTree(previous);
    await move(dir, previous);
  }
  await move(staging, dir);
}

function stagingDir(layout: StateLayout, database: string): string {
  return join(layout.projects, `.staging-${database}`);
}

function previousDir(layout: StateLayout, database: string): string {
  return join(layout.projects, `.previous-${database}`);
}

function journalPath(layout: StateLayout, database: string): string {
  return join(layout.inflight, `${database}.json`);
}

async function writeJournal(layout: StateLayout, journal: Journal): Promise<void> {
  await writeFileAtomic(journalPath(layout, journal.database), `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}

/** The request is done and its verdict is on disk: drop what the roll-back would have needed. */
async function commitJournal(layout: StateLayout, journal: Journal): Promise<void> {
  if (journal.action === 'remove') {
    const dir = projectDir(layout, journal.database);
    if (await exists(dir)) {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
      await move(dir, join(layout.archive, `${journal.database}-${stamp}`));
    }
  }
  await removeTree(previousDir(layout, journal.database));
  await removeTree(stagingDir(layout, journal.database));
  await removeFileIfExists(journalPath(layout, journal.database));
}

/**
 * Puts the project back as the journal found it: drop-in, folder, unit state. Each step runs even
 * when an earlier one failed; returns one line per step for the verdict.
 */
export async function rollback(ctx: ApplyContext, layout: StateLayout, journal: Journal): Promise<string[]> {
  const lines: string[] = [];
  const step = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      lines.push(`roll-back step failed (${what}): ${describeError(error)}`);
      ctx.logger.error(`roll-back of ${journal.database}: ${what} failed`, { error: describeError(error) });
    }
  };
  const dropInDir = join(journal.unit_dir, `${journal.unit}.d`);
  const dropInPath = join(dropInDir, DROP_IN_FILE);
  const dir = projectDir(layout, journal.database);
  const previous = previousDir(layout, journal.database);

  if (journal.action === 'sync' && !journal.had_project) {
    // A new project: nothing of it may stay enabled.
    await step('stop and disable the new unit', () => ctx.systemctl.disableNow(journal.unit).catch(() => undefined));
  }
  await step('restore the drop-in', async () => {
    if (journal.previous_drop_in === null) {
      await removeFileIfExists(dropInPath);
      await removeDirIfEmpty(dropInDir);
    } else {
      await writeFileAtomic(dropInPath, journal.previous_drop_in, 0o644);
    }
  });
  await step('restore the project folder', async () => {
    if (await exists(previous)) {
      await removeTree(dir);
      await move(previous, dir);
    } else if (!journal.had_project) {
      await removeTree(dir);
    }
    await removeTree(stagingDir(layout, journal.database));
  });
  await step('daemon-reload', () => ctx.reload());
  await step('reset the unit', () => ctx.systemctl.resetFailed(journal.unit));
  if (journal.had_project && journal.was_active) {
    await step('start the previous configuration again', async () => {
      await ctx.systemctl.enable(journal.unit);
      await ctx.systemctl.restart(journal.unit);
    });
  }
  await step('remove the journal', () => removeFileIfExists(journalPath(layout, journal.database)));
  lines.unshift(
    journal.had_project
      ? `rolled back: ${journal.unit} runs the previous configuration${journal.was_active ? '' : ' (it was not running before either)'}`
      : `rolled back: no unit and no folder were left for ${journal.database}`,
  );
  return lines;
}

/**
 * On start: requests a killed creator left half-done. One whose verdict was written is finished;
 * any other is rolled back (its request is still in the drop folder and is handled again).
 */
export async function recoverInflight(
  ctx: ApplyContext,
): Promise<{ database: string; request_id: string; result: 'finished' | 'rolled back' }[]> {
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  let names: string[];
  try {
    names = (await readdir(layout.inflight)).filter((name) => name.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const results: { database: string; request_id: string; result: 'finished' | 'rolled back' }[] = [];
  for (const name of names) {
    const path = join(layout.inflight, name);
    const parsed = JournalSchema.safeParse(JSON.parse((await readTextIfExists(path)) ?? 'null'));
    if (!parsed.success) {
      ctx.logger.error(`ignoring an unreadable journal ${path}; check that project by hand`);
      continue;
    }
    const journal = parsed.data;
    const journalLayout = { ...layout, projects: journal.projects_dir };
    const done = await exists(join(layout.processed, `${journal.request_id}.verdict.json`));
    if (done) {
      await commitJournal(journalLayout, journal);
      if (await exists(journal.request_file))
        await move(journal.request_file, join(layout.processed, basename(journal.request_file)));
      results.push({ database: journal.database, request_id: journal.request_id, result: 'finished' });
    } else {
      await rollback({ ...ctx, unitDir: journal.unit_dir }, journalLayout, journal);
      results.push({ database: journal.database, request_id: journal.request_id, result: 'rolled back' });
    }
  }
  return results;
}

export async function listProjects(layout: StateLayout): Promise<string[]> {
  try {
    return (await readdir(layout.projects, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The `database` of a request that failed validation, when it is at least a safe name. */
export function guessDatabase(text: string): string | null {
  const parsed = parseJsonText(text);
  if (parsed.ok) {
    const value = parsed.value;
    if (typeof value === 'object' && value !== null && 'database' in value) {
      const database = value.database;
      if (typeof database === 'string' && isSafeIdentifier(database)) return database;
    }
  }
  return null;
}
