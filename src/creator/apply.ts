// Handles one request: validates it again, merges it over the private defaults, decides what it
// does from what exists now (transaction/decide.ts) and runs that as a transaction behind a
// journal (transaction/runner.ts), through the orchestrator defaults.json names: systemd units
// (the default) or Kubernetes Deployments. Every failure is a verdict; nothing is left half-done.
import { basename, join } from 'node:path';
import { loadDefaults } from '../config/load-defaults.js';
import { mergeConfig } from '../config/effective.js';
import type { Defaults } from '../config/defaults-schema.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { projectDir, requestIdOf, stateLayout } from '../intake/layout.js';
import { makeVerdict, type Outcome } from '../intake/verdict.js';
import type { Observed, Orchestrator, Prepared } from '../orchestrator/port.js';
import { orchestratorFor, orchestratorKind, workerNameOf, type OrchestratorKind } from '../orchestrator/select.js';
import type { SystemdHost } from '../orchestrator/systemd/adapter.js';
import { isSafeIdentifier } from '../request/identifiers.js';
import { parseJsonText } from '../request/json-text.js';
import { parseSubmissionText } from '../request/submission.js';
import { projectUnitName } from '../systemd/escape.js';
import type { Systemctl } from '../systemd/systemctl.js';
import { droppedMonitoryNoteOfRequests } from '../sync/dropped.js';
import { listProjects, realFiles, type FilePort } from './files.js';
import { PROJECT_REQUEST_FILE, PROJECT_STATE_FILE, parseProjectState, projectFolderFiles } from './project-files.js';
import { recoverJournals, restoreUnits, type Recovered } from './recover.js';
import { decideRemoval, decideSync, type Existing } from './transaction/decide.js';
import type { Host } from './transaction/host.js';
import { noop, transact, type Fields, type Handled, type MakeVerdict } from './transact.js';
import type { UnitStates } from './unit-states.js';

export { listProjects } from './files.js';
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
  /** Where the orchestrator's adapters come from (tests replace them); default the real ones. */
  adapters?: typeof orchestratorFor;
}

function systemdHostOf(ctx: ApplyContext): SystemdHost {
  const { systemctl, reload, units, settleMs, logger } = ctx;
  const bootMs = Math.max(settleMs, ctx.bootMs ?? 95_000);
  return { files: ctx.files ?? realFiles, systemctl, reload, units, settleMs, bootMs, logger };
}

/** The adapter of `kind` for this creator; a project's recorded unit keeps the name it was created with. */
function adapterOf(
  ctx: ApplyContext,
  kind: OrchestratorKind,
  defaults: Defaults,
  recordedUnit?: string,
): Promise<Orchestrator> {
  return (ctx.adapters ?? orchestratorFor)(kind, defaults, {
    systemd: systemdHostOf(ctx),
    unitDir: ctx.unitDir,
    dropInTemplate: ctx.dropInTemplate,
    configDir: ctx.configDir,
    recordedUnit,
  });
}

/**
 * Handles one request file, given its text as read once by the drop folder's watcher: validates
 * it again, then applies it. Never throws: every failure is a verdict.
 */
export async function handleRequest(ctx: ApplyContext, file: string, text: string): Promise<Handled> {
  const started = Date.now();
  const requestId = requestIdOf(basename(file));
  const verdict: MakeVerdict = (outcome, fields, worker) =>
    makeVerdict({
      request_id: requestId,
      ...fields,
      outcome,
      unit_state: worker ? worker.activeState : null,
      unit_status: worker?.detail ? worker.detail : null,
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
  const files = ctx.files ?? realFiles;
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
    (await files.exists(projectDir(layout, database))) ? [`the running project ${database} was left as it was`] : [];

  const parsed = parseSubmissionText(text);
  if (!parsed.ok) {
    const database = guessDatabase(text);
    const unit = database ? workerNameOf(defaults, database) : null;
    const reasons = [...parsed.issues, ...(database ? await leftAlone(database) : [])];
    return done('rejected', { database, unit, action: null }, reasons);
  }
  const submission = parsed.value;
  const action = submission.action;
  const database = action === 'remove' ? submission.database : submission.request.database;
  const dir = projectDir(layout, database);
  const state = parseProjectState((await files.readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
  let orchestrator: Orchestrator;
  try {
    orchestrator = await adapterOf(ctx, orchestratorKind(defaults), defaults, state?.unit);
  } catch (error) {
    const fields = { database, unit: workerNameOf(defaults, database), action };
    return done('failed', fields, [`nothing was changed: ${describeError(error)}`]);
  }
  // A project keeps the worker it was created with: addressed by the name its folder records.
  const fields = { database, unit: orchestrator.workerName(database), action };
  const refused = orchestrator.refusal(database, undefined);
  if (refused) return done('rejected', { ...fields, unit: null }, [refused]);
  let observed: Observed<unknown>;
  try {
    observed = await orchestrator.observe(database);
  } catch (error) {
    // What runs now cannot even be read (the API is down, access refused): nothing was touched.
    return done('failed', fields, [`nothing was changed: ${describeError(error)}`]);
  }
  const host: Host = { files, logger: ctx.logger, orchestrator };
  const hadFolder = await files.exists(dir);
  const existing = (current: boolean): Existing => ({
    hasFolder: hadFolder,
    folderHash: state?.config_hash,
    exists: observed.exists,
    current,
    running: observed.running,
  });
  const change = { file, requestId, fields, hadFolder, observed };

  if (submission.action === 'remove') {
    const decision = decideRemoval(existing(false), database, await listProjects(layout));
    return transact(host, layout, { ...change, decision, next: undefined }, verdict);
  }
  const request = submission.request;
  const merged = mergeConfig(request, defaults);
  if (!merged.ok) return done('rejected', fields, [...merged.issues, ...(await leftAlone(database))]);
  const target = { request, effective: merged.value, defaults };
  const refusedTarget = orchestrator.refusal(database, target);
  if (refusedTarget) return done('rejected', fields, [refusedTarget, ...(await leftAlone(database))]);
  let prepared: Prepared;
  try {
    prepared = orchestrator.prepare(target);
  } catch (error) {
    return done('failed', fields, [`what the worker runs cannot be prepared: ${describeError(error)}`]);
  }
  const folder = projectFolderFiles(request, merged.value, {
    database,
    unit: prepared.worker,
    config_hash: prepared.configHash,
    request_id: requestId,
    applied_at: new Date().toISOString(),
  });
  const current = orchestrator.isCurrent(prepared, observed, state?.config_hash);
  const decision = decideSync(prepared.configHash, existing(current));
  const previous = await files.readTextIfExists(join(dir, PROJECT_REQUEST_FILE));
  const dropped = droppedMonitoryNoteOfRequests(previous, folder[PROJECT_REQUEST_FILE]);
  const handled = await transact(host, layout, { ...change, decision, next: { files: folder, prepared } }, verdict);
  if (dropped && handled.verdict.accepted) handled.verdict.reasons.push(dropped);
  return handled;
}

/**
 * On start: requests a killed creator left half-done are finished or rolled back, each by the
 * orchestrator that began it; with systemd, project folders whose drop-in is gone (a reinstall)
 * get their unit back, enabled and started.
 */
export async function recoverInflight(ctx: ApplyContext): Promise<Recovered[]> {
  const defaults = await loadDefaults(ctx.configDir);
  const layout = stateLayout(ctx.stateDir, defaults.projects_dir);
  const host = systemdHostOf(ctx);
  const results = await recoverJournals(host, layout, {
    unitDir: ctx.unitDir,
    dropInTemplate: ctx.dropInTemplate,
    configDir: ctx.configDir,
    current: orchestratorKind(defaults),
    unitOf: (database) => projectUnitName(defaults.unit_prefix, database),
    orchestratorOf: (kind) => adapterOf(ctx, kind, defaults),
  });
  // On Kubernetes the project folders record Deployments: no systemd unit is missing.
  if (orchestratorKind(defaults) === 'kubernetes') return results;
  const projects = await listProjects(layout);
  const restored = await restoreUnits(host, layout, ctx.unitDir, ctx.dropInTemplate, projects, ctx.configDir);
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
