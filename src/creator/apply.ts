// Handles one request: validates it again, merges it over the private defaults, decides what it
// does from what exists now (transaction/decide.ts) and runs that as a transaction behind a
// journal (transaction/runner.ts). Every failure is a verdict; nothing is left half-done.
import { basename, join } from 'node:path';
import { loadDefaults } from '../config/load-defaults.js';
import { mergeConfig } from '../config/effective.js';
import type { Defaults } from '../config/defaults-schema.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { projectDir, requestIdOf, stateLayout } from '../intake/layout.js';
import { makeVerdict, type Outcome } from '../intake/verdict.js';
import { isSafeIdentifier } from '../request/identifiers.js';
import { parseJsonText } from '../request/json-text.js';
import { parseSubmissionText } from '../request/submission.js';
import { handleOnKubernetes } from '../orchestrator/kubernetes/handle.js';
import { unitNameIssue } from '../request/unit-name.js';
import { projectUnitName } from '../systemd/escape.js';
import type { Systemctl } from '../systemd/systemctl.js';
import { listProjects, realFiles, type FilePort } from './files.js';

export { listProjects } from './files.js';
import { PROJECT_STATE_FILE, parseProjectState, planProject, type ProjectPlan } from './project-files.js';
import { PROJECT_REQUEST_FILE } from './project-files.js';
import { droppedMonitoryNoteOfRequests } from '../sync/dropped.js';
import { recoverJournals, restoreUnits, type Recovered } from './recover.js';
import { decideRemoval, decideSync } from './transaction/decide.js';
import type { Host } from './transaction/host.js';
import { noop, observe, transact, type Fields, type Handled, type MakeVerdict } from './transact.js';
import type { UnitStates } from './unit-states.js';

export type { Handled } from './transact.js';

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
  /** How long a started worker has to report READY before the change is rolled back. */
  settleMs: number;
  /** How long a started worker that has not said anything yet is waited for; default 95 s (TimeoutStartSec=90). */
  bootMs?: number;
  logger: Logger;
  /** The file operations (tests replace them); default the real, durable ones. */
  files?: FilePort;
}

function hostOf(ctx: ApplyContext): Host {
  const { systemctl, reload, units, settleMs, logger } = ctx;
  const bootMs = Math.max(settleMs, ctx.bootMs ?? 95_000);
  return { files: ctx.files ?? realFiles, systemctl, reload, units, settleMs, bootMs, logger };
}

/**
 * Handles one request file, given its text as read once by the drop folder's watcher: validates
 * it again, then applies it. Never throws: every failure is a verdict.
 */
export async function handleRequest(ctx: ApplyContext, file: string, text: string): Promise<Handled> {
  const started = Date.now();
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
  try {
    return await handleOrThrow(ctx, file, text, requestId, verdict);
  } catch (error) {
    // Reached only before anything changed (transactions roll back themselves): nothing to undo.
    ctx.logger.error(`request ${basename(file)} failed before any change: ${describeError(error)}`);
    const fields = { database: null, unit: null, action: null };
    return {
      verdict: verdict('failed', { ...fields, reasons: [`nothing was changed: ${describeError(error)}`] }),
      commit: noop,
      abort: noop,
    };
  }
}

async function handleOrThrow(
  ctx: ApplyContext,
  file: string,
  text: string,
  requestId: string,
  verdict: MakeVerdict,
): Promise<Handled> {
  const host = hostOf(ctx);
  const done = (outcome: Outcome, fields: Fields, reasons: string[]): Handled => ({
    verdict: verdict(outcome, { ...fields, reasons }),
    commit: noop,
    abort: noop,
  });
  const none = { database: null, unit: null, action: null };
  let defaults: Defaults;
  try {
    defaults = await loadDefaults(ctx.configDir);
  } catch (error) {
    const fields = { ...none, database: guessDatabase(text) };
    return done('failed', fields, [`the private defaults cannot be read: ${describeError(error)}`]);
  }
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  const leftAlone = async (database: string): Promise<string[]> =>
    (await host.files.exists(projectDir(layout, database)))
      ? [`the running project ${database} was left as it was`]
      : [];

  const parsed = parseSubmissionText(text);
  if (!parsed.ok) {
    const database = guessDatabase(text);
    const unit = database ? projectUnitName(defaults.unit_prefix, database) : null;
    const reasons = [...parsed.issues, ...(database ? await leftAlone(database) : [])];
    return done('rejected', { database, unit, action: null }, reasons);
  }
  const submission = parsed.value;
  if (defaults.orchestrator === 'kubernetes') {
    return handleOnKubernetes({
      layout,
      defaults,
      submission,
      requestId,
      file,
      started: Date.now(),
      logger: ctx.logger,
    });
  }
  const database = submission.action === 'remove' ? submission.database : submission.request.database;
  const dir = projectDir(layout, database);
  const state = parseProjectState((await host.files.readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
  // A project keeps the unit it was created with: units are addressed by the name its folder records.
  const unit = state?.unit ?? projectUnitName(defaults.unit_prefix, database);
  const fields = { database, unit, action: submission.action };
  // A name systemd refuses is refused before systemctl is asked about it.
  const tooLong = state ? undefined : unitNameIssue(defaults.unit_prefix, database);
  if (tooLong) return done('rejected', { ...fields, unit: null }, [tooLong]);
  const existing = await observe(host, ctx.unitDir, dir, unit, state?.config_hash);

  if (submission.action === 'remove') {
    const decision = decideRemoval(existing.existing, database, await listProjects(layout));
    return transact(
      host,
      layout,
      ctx.unitDir,
      { file, requestId, fields, decision, previous: existing, next: undefined },
      verdict,
    );
  }
  const request = submission.request;
  const merged = mergeConfig(request, defaults);
  if (!merged.ok) return done('rejected', fields, [...merged.issues, ...(await leftAlone(database))]);
  const planned = projectUnitName(merged.value.unitPrefix, database);
  if (planned !== unit) {
    return done('rejected', fields, [
      `unit_prefix: defaults.json says ${defaults.unit_prefix}, but ${database} runs as ${unit}; set unit_prefix back, or remove the project first`,
      ...(await leftAlone(database)),
    ]);
  }
  let plan: ProjectPlan;
  try {
    plan = planProject(request, merged.value, ctx.dropInTemplate, requestId, new Date(), ctx.configDir);
  } catch (error) {
    return done('failed', fields, [`the unit's drop-in cannot be rendered: ${describeError(error)}`]);
  }
  const decision = decideSync(plan, existing.existing);
  const next = { files: plan.files, dropIn: plan.dropIn };
  const previous = await host.files.readTextIfExists(join(dir, PROJECT_REQUEST_FILE));
  const dropped = droppedMonitoryNoteOfRequests(previous, plan.files[PROJECT_REQUEST_FILE]);
  const handled = await transact(
    host,
    layout,
    ctx.unitDir,
    { file, requestId, fields, decision, previous: existing, next },
    verdict,
  );
  if (dropped && handled.verdict.accepted) handled.verdict.reasons.push(dropped);
  return handled;
}

/**
 * On start: requests a killed creator left half-done are finished or rolled back; project folders
 * whose drop-in is gone (a reinstall) get their unit back, enabled and started.
 */
export async function recoverInflight(ctx: ApplyContext): Promise<Recovered[]> {
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  const host = hostOf(ctx);
  const results = await recoverJournals(host, layout, {
    unitDir: ctx.unitDir,
    dropInTemplate: ctx.dropInTemplate,
    unitOf: (database) => projectUnitName(defaults.unit_prefix, database),
    configDir: ctx.configDir,
  });
  // On Kubernetes the project folders record Deployments: no systemd unit is missing.
  if (defaults.orchestrator === 'kubernetes') return results;
  const restored = await restoreUnits(
    host,
    layout,
    ctx.unitDir,
    ctx.dropInTemplate,
    await listProjects(layout),
    ctx.configDir,
  );
  for (const unit of restored)
    ctx.logger.warn(`${unit} had a project folder but no drop-in: restored, enabled and started`);
  return results;
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
