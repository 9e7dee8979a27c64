// On start: finish or roll back what a killed creator left in inflight/ (each journal through the
// orchestrator that wrote it), recover a systemd project whose journal is unreadable from its
// folder and drop-in, and give every project folder whose drop-in is gone (after
// `install.sh --uninstall` and a reinstall) its unit back, enabled and started.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../config/paths.js';
import { describeError } from '../errors.js';
import { verdictFileName } from '../intake/verdict.js';
import { projectDir, type StateLayout } from '../intake/layout.js';
import { isSafeIdentifier } from '../request/identifiers.js';
import { parseRequestText } from '../request/parse.js';
import {
  DROP_IN_FILE,
  PROJECT_EFFECTIVE_FILE,
  PROJECT_REQUEST_FILE,
  PROJECT_STATE_FILE,
  mysqlCredentialsOf,
  parseProjectState,
  renderDropIn,
} from './project-files.js';
import type { Orchestrator } from '../orchestrator/port.js';
import type { SystemdHost } from '../orchestrator/systemd/adapter.js';
import { commitTransaction, rollBackJournal } from './transaction/runner.js';
import { quarantineJournal, readJournals } from './transaction/journal.js';

type Host = SystemdHost;

export interface Recovered {
  database: string;
  request_id: string;
  result: 'finished' | 'rolled back' | 'quarantined';
}

/**
 * A journal whose verdict is in processed/ is finished (the clean-up after the verdict); any other
 * is rolled back: its request is still in the drop folder and is handled again.
 */
export interface RecoverOptions {
  unitDir: string;
  dropInTemplate: string;
  /** The unit of a database without a readable folder (from today's unit_prefix). */
  unitOf: (database: string) => string;
  /** Where the secrets a drop-in loads live; default /etc/db-proxy. */
  configDir?: string;
  /** The orchestrator defaults.json names now: a project without a readable journal is recovered with it. */
  current: Orchestrator['kind'];
  /** The adapter that finishes or rolls back a journal it wrote. */
  orchestratorOf: (kind: Orchestrator['kind']) => Promise<Orchestrator>;
}

export async function recoverJournals(host: Host, layout: StateLayout, options: RecoverOptions): Promise<Recovered[]> {
  const results: Recovered[] = [];
  const quarantine = async (path: string, database: string, problem: string): Promise<void> => {
    const target = await quarantineJournal(host.files, path);
    // Only a systemd project can be recovered from what its folder shows (its drop-in follows the folder).
    const fromFolder = isSafeIdentifier(database) && options.current === 'systemd';
    host.logger.error(
      `the journal ${path} is unreadable: ${problem}; moved it to ${target} and ${fromFolder ? `recovered ${database} from its folder and drop-in` : `left ${database} as it is: check it by hand`}`,
    );
    if (fromFolder) await recoverFromFolder(host, layout, options, database);
    results.push({ database, request_id: '?', result: 'quarantined' });
  };
  for (const entry of await readJournals(host.files, layout.inflight)) {
    if (!entry.ok) {
      await quarantine(entry.path, entry.name.slice(0, -'.json'.length), entry.problem);
      continue;
    }
    const orchestrator = await adapterOrLog(host, options, entry.journal.orchestrator);
    if (!orchestrator) continue;
    if (!orchestrator.previousSchema.safeParse(entry.journal.previous).success) {
      await quarantine(entry.path, entry.journal.database, `its ${orchestrator.kind} state is not readable`);
      continue;
    }
    const journal = entry.journal;
    const journalLayout = { ...layout, projects: journal.projects_dir };
    const tx = { files: host.files, logger: host.logger, orchestrator };
    if (await host.files.exists(join(layout.processed, verdictFileName(journal.request_id)))) {
      await commitTransaction(tx, journalLayout, journal);
      if (await host.files.exists(journal.request_file)) {
        await host.files.move(journal.request_file, join(layout.processed, basename(journal.request_file)));
      }
      results.push({ database: journal.database, request_id: journal.request_id, result: 'finished' });
    } else {
      await rollBackJournal(tx, journalLayout, journal);
      results.push({ database: journal.database, request_id: journal.request_id, result: 'rolled back' });
    }
  }
  await sweepReserves(host, layout);
  // Before one journal served every orchestrator, Kubernetes journals had a folder of their own.
  const older = (await readdir(join(layout.inflight, 'kubernetes')).catch(() => [] as string[])).filter((name) =>
    name.endsWith('.json'),
  );
  if (older.length > 0) {
    host.logger.error(
      `${join(layout.inflight, 'kubernetes')} holds requests an older creator left half-done (${older.join(', ')}); check those projects' ConfigMaps and Deployments by hand, submit them again, then remove the files`,
    );
  }
  return results;
}

/** The adapter of a journal; when it cannot be had (no Kubernetes settings any more), the journal waits. */
async function adapterOrLog(
  host: Host,
  options: RecoverOptions,
  kind: Orchestrator['kind'],
): Promise<Orchestrator | undefined> {
  try {
    return await options.orchestratorOf(kind);
  } catch (error) {
    host.logger.error(`a request interrupted on ${kind} cannot be finished or rolled back: ${describeError(error)}`);
    return undefined;
  }
}

/**
 * Space reserved for verdicts by requests that are no longer under way (a crash after the
 * verdict of a failure was filed, before its clean-up): nothing is in flight at start.
 */
async function sweepReserves(host: Host, layout: StateLayout): Promise<void> {
  for (const dir of [layout.processed, layout.failed]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith('.') && n.endsWith('.verdict.json.reserve'))) {
      await host.files.removeFileIfExists(join(dir, name));
    }
  }
}

/** Whether the folder holds a configuration whose verdict was filed as accepted. */
async function committedFolder(host: Host, layout: StateLayout, dir: string): Promise<boolean> {
  const state = parseProjectState((await host.files.readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
  return state !== undefined && (await host.files.exists(join(layout.processed, verdictFileName(state.request_id))));
}

/**
 * Without a journal: a previous folder beside an uncommitted one means a change was under way, so
 * the previous one is put back; an uncommitted folder without a previous one is a new project
 * that never got its verdict, so it is removed. The drop-in then follows the folder.
 */
async function recoverFromFolder(
  host: Host,
  layout: StateLayout,
  options: RecoverOptions,
  database: string,
): Promise<void> {
  const { files, systemctl } = host;
  const dir = projectDir(layout, database);
  const previous = join(layout.projects, `.previous-${database}`);
  await files.removeTree(join(layout.projects, `.staging-${database}`));
  const committed = await committedFolder(host, layout, dir);
  let restored = false;
  if (await files.exists(previous)) {
    if (committed) await files.removeTree(previous);
    else {
      await files.removeTree(dir);
      await files.move(previous, dir);
      restored = true;
    }
  } else if (!committed && (await files.exists(dir))) {
    host.logger.warn(`${dir} holds a configuration that never got an accepted verdict; removing it`);
    await files.removeTree(dir);
  }
  const state = parseProjectState((await files.readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
  if (!state) {
    const unit = options.unitOf(database);
    host.logger.warn(`${database} has no project folder: ${unit} is stopped and disabled, its drop-in removed`);
    await systemctl.disableNow(unit).catch(() => undefined);
    const dropInDir = join(options.unitDir, `${unit}.d`);
    await files.removeFileIfExists(join(dropInDir, DROP_IN_FILE));
    await files.removeDirIfEmpty(dropInDir);
    await host.reload();
    return;
  }
  await restoreDropIn(
    host,
    options.unitDir,
    dir,
    state.unit,
    state.config_hash,
    options.dropInTemplate,
    options.configDir,
  );
  await host.reload();
  if (restored && (await host.units.snapshot(state.unit)).ActiveState === 'active') await systemctl.restart(state.unit);
}

/** Writes a project's drop-in from its folder; returns whether it changed. */
async function restoreDropIn(
  host: Host,
  unitDir: string,
  dir: string,
  unit: string,
  configHash: string,
  template: string,
  configDir = DEFAULT_CONFIG_DIR,
): Promise<boolean> {
  const text = await host.files.readTextIfExists(join(dir, PROJECT_REQUEST_FILE));
  const parsed = text === undefined ? undefined : parseRequestText(text);
  if (!parsed?.ok) return false;
  const prefix = unit.slice(0, unit.indexOf('@'));
  const mysqlCredentials = mysqlCredentialsOf(await host.files.readTextIfExists(join(dir, PROJECT_EFFECTIVE_FILE)));
  const dropIn = renderDropIn(parsed.value, prefix, configHash, template, { configDir, mysqlCredentials });
  const path = join(unitDir, `${unit}.d`, DROP_IN_FILE);
  if ((await host.files.readTextIfExists(path)) === dropIn) return false;
  await host.files.writeFileAtomic(path, dropIn, 0o644);
  return true;
}

/**
 * Every project folder without a drop-in (the units were uninstalled, the folders kept) gets it
 * back, rendered from the folder, and its unit enabled and started. Returns the units restored.
 */
export async function restoreUnits(
  host: Host,
  layout: StateLayout,
  unitDir: string,
  template: string,
  databases: readonly string[],
  configDir = DEFAULT_CONFIG_DIR,
): Promise<string[]> {
  const restored: string[] = [];
  for (const database of databases) {
    const dir = projectDir(layout, database);
    const state = parseProjectState((await host.files.readTextIfExists(join(dir, PROJECT_STATE_FILE))) ?? '');
    if (!state) continue;
    if (await host.files.exists(join(unitDir, `${state.unit}.d`, DROP_IN_FILE))) continue;
    try {
      if (await restoreDropIn(host, unitDir, dir, state.unit, state.config_hash, template, configDir))
        restored.push(state.unit);
    } catch (error) {
      host.logger.error(`cannot restore the drop-in of ${state.unit}: ${describeError(error)}`);
    }
  }
  if (restored.length === 0) return restored;
  await host.reload();
  for (const unit of restored) {
    try {
      await host.systemctl.enable(unit);
      await host.systemctl.resetFailed(unit);
      await host.systemctl.start(unit);
    } catch (error) {
      host.logger.error(`cannot start ${unit} again: ${describeError(error)}`);
    }
  }
  return restored;
}
