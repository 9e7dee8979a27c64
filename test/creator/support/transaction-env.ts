// A state folder, config folder and unit folder in a temp dir, a fake systemd, and the creator's
// request handling run as the daemon runs it (verdict, move, clean-up), with faults injected.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleRequest, recoverInflight, type ApplyContext } from '../../../src/creator/apply.js';
import { exists, move, realFiles } from '../../../src/creator/files.js';
import { UnitStates } from '../../../src/creator/unit-states.js';
import { stateLayout, type StateLayout } from '../../../src/intake/layout.js';
import { parseVerdict, writeVerdict, type Verdict } from '../../../src/intake/verdict.js';
import type { Logger } from '../../../src/logging/logger.js';
import { projectUnitName } from '../../../src/systemd/escape.js';
import { FakeSystemd, Faults, faultyFiles, type Behaviour } from './fake-systemd.js';

export const TEMPLATE = await readFile(
  fileURLToPath(new URL('../../../templates/project-drop-in.conf.hbs', import.meta.url)),
  'utf8',
);

export function captureLogger(lines: string[]): Logger {
  const logger: Logger = {
    error: (m) => void lines.push(`error: ${m}`),
    warn: (m) => void lines.push(`warn: ${m}`),
    info: (m) => void lines.push(`info: ${m}`),
    debug: () => undefined,
    child: () => logger,
  };
  return logger;
}

export function requestFor(database: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    wave_counter_threshold: 1617753611,
    delete_old_value: 7,
    monitory_name_kept: ['Extraction_1_dev_a'],
    measures: 'TL_measures',
    database,
    server: '127.0.0.1:3306',
    sleep_time: 5,
    ...overrides,
  };
}

/** Everything that must be the previous or the new state, never a mix. */
export interface World {
  folderHash: string | null;
  dropIn: string | null;
  loadedDropIn: string | null;
  enabled: boolean;
  active: boolean;
  runningHash: string | null;
}

export class TransactionEnv {
  readonly layout: StateLayout;
  readonly unitDir: string;
  readonly systemd: FakeSystemd;
  readonly logs: string[] = [];
  private counter = 0;

  private constructor(
    readonly root: string,
    readonly stateDir: string,
    readonly configDir: string,
    behave: (request: Record<string, unknown>) => Behaviour,
  ) {
    this.layout = stateLayout(stateDir);
    this.unitDir = join(root, 'units');
    this.systemd = new FakeSystemd(this.unitDir, this.layout.projects, behave);
  }

  static async create(
    behave: (request: Record<string, unknown>) => Behaviour = () => ({ kind: 'ready' }),
    stateDir?: string,
  ): Promise<TransactionEnv> {
    // tmpfs when there is one: the transactions flush every file, which is slow on a real disk.
    const root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'dbp-tx-'));
    const env = new TransactionEnv(root, stateDir ?? join(root, 'state'), join(root, 'config'), behave);
    await mkdir(env.configDir, { recursive: true });
    await writeFile(join(env.configDir, 'defaults.json'), '{}\n');
    const l = env.layout;
    for (const dir of [l.requests, l.processed, l.failed, l.projects, l.archive, l.inflight, env.unitDir]) {
      await mkdir(dir, { recursive: true });
    }
    return env;
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true, maxRetries: 5 });
  }

  unit(database: string): string {
    return projectUnitName('db-proxy', database);
  }

  ctx(faults: Faults | undefined, settleMs = 40): ApplyContext {
    const f = faults ?? new Faults();
    const systemctl = this.systemd.systemctl(f);
    return {
      stateDir: this.stateDir,
      configDir: this.configDir,
      unitDir: this.unitDir,
      dropInTemplate: TEMPLATE,
      systemctl,
      reload: () => systemctl.daemonReload(),
      units: new UnitStates(systemctl, 1),
      settleMs,
      logger: captureLogger(this.logs),
      files: faults ? faultyFiles(f) : realFiles,
    };
  }

  /** Drops a request and handles it as the daemon does; resolves undefined when the run "crashed". */
  async submit(body: object, faults?: Faults, settleMs?: number): Promise<{ id: string; verdict?: Verdict }> {
    this.counter += 1;
    const id = `req-${String(this.counter).padStart(3, '0')}`;
    await writeFile(join(this.layout.requests, `${id}.json`), JSON.stringify(body));
    const run = this.handle(id, faults, settleMs);
    if (!faults) return { id, verdict: await run };
    const crashed = new Promise<undefined>((resolve) => {
      const check = (): void => void (faults.crashed ? resolve(undefined) : setTimeout(check, 1));
      check();
    });
    return { id, verdict: await Promise.race([run, crashed]) };
  }

  /** The daemon's handleOne: verdict, move, clean-up; a verdict that cannot be written undoes the change. */
  async handle(id: string, faults?: Faults, settleMs?: number): Promise<Verdict | undefined> {
    const f = faults ?? new Faults();
    const path = join(this.layout.requests, `${id}.json`);
    const handled = await handleRequest(this.ctx(faults, settleMs), path, await readFile(path, 'utf8'));
    const dir = handled.verdict.accepted ? this.layout.processed : this.layout.failed;
    try {
      await f.tick('write the verdict');
      await writeVerdict(dir, handled.verdict);
    } catch {
      await handled.abort();
      return undefined;
    }
    try {
      await f.tick('move the request');
      await move(path, join(dir, `${id}.json`));
      await f.tick('commit');
      await handled.commit();
    } catch {
      // As the daemon: logged; the journal stays for the next start.
    }
    return handled.verdict;
  }

  async recover(): Promise<void> {
    await recoverInflight(this.ctx(undefined));
  }

  async verdictOf(id: string): Promise<Verdict | undefined> {
    for (const dir of [this.layout.processed, this.layout.failed]) {
      const text = await readFile(join(dir, `${id}.verdict.json`), 'utf8').catch(() => undefined);
      if (text !== undefined) return parseVerdict(text);
    }
    return undefined;
  }

  async pending(id: string): Promise<boolean> {
    return exists(join(this.layout.requests, `${id}.json`));
  }

  async world(database: string): Promise<World> {
    const unit = this.unit(database);
    const state = await readFile(join(this.layout.projects, database, 'project.json'), 'utf8').catch(() => undefined);
    const fake = this.systemd.unit(unit);
    // The drop-in names this environment's configuration directory (its secrets): worlds of
    // different environments compare equal without it.
    const portable = (text: string | null | undefined): string | null =>
      text === null || text === undefined ? null : text.split(this.configDir).join('<config>');
    return {
      folderHash: state === undefined ? null : (JSON.parse(state) as { config_hash: string }).config_hash,
      dropIn: portable(await readFile(join(this.unitDir, `${unit}.d`, '10-project.conf'), 'utf8').catch(() => null)),
      loadedDropIn: portable(this.systemd.loaded.get(unit)),
      enabled: fake.enabled,
      active: fake.ActiveState === 'active',
      runningHash: fake.runningHash,
    };
  }

  /** Files a finished transaction must not leave: staging/previous folders, journals, reserved space. */
  async leftovers(): Promise<string[]> {
    const hidden = (await readdir(this.layout.projects)).filter((name) => name.startsWith('.'));
    const journals = await readdir(this.layout.inflight);
    const reserves = [...(await readdir(this.layout.processed)), ...(await readdir(this.layout.failed))].filter(
      (name) => name.endsWith('.reserve') || name.includes('.tmp-'),
    );
    return [...hidden, ...journals, ...reserves];
  }
}
