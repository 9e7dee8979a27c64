// A fake systemd for fast tests of the creator's transactions: units with enabled and active
// states, drop-ins loaded at daemon-reload, and workers that read their project folder at start
// (ready, exit 78 with a configuration STATUS, or stuck activating). Every call through the
// ports can be made to fail, or to "crash" (never return), at the n-th operation.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { realFiles, type FilePort } from '../../../src/creator/files.js';
import type { Systemctl } from '../../../src/systemd/systemctl.js';

interface FakeUnit {
  enabled: boolean;
  ActiveState: string;
  SubState: string;
  Result: string;
  InvocationID: string;
  StatusText: string;
  ExecMainStatus: string;
  /** The configuration hash the running worker read at its start. */
  runningHash: string | null;
}

/** What a worker does with the request it finds in its folder. */
export type Behaviour =
  | { kind: 'ready' }
  | { kind: 'exit'; code: number; status: string }
  | { kind: 'hang'; status: string }
  /** Booting silently (a loaded host), then READY. */
  | { kind: 'boot'; readyAfterMs: number };

export class Faults {
  count = 0;
  failAt: number | undefined;
  crashAt: number | undefined;
  crashed = false;
  log: string[] = [];

  async tick(label: string): Promise<void> {
    if (this.crashed) await new Promise<never>(() => undefined);
    this.count += 1;
    this.log.push(label);
    if (this.count === this.failAt) throw new Error(`injected failure of ${label}`);
    if (this.count === this.crashAt) {
      this.crashed = true;
      await new Promise<never>(() => undefined);
    }
  }
}

export class FakeSystemd {
  readonly units = new Map<string, FakeUnit>();
  /** Drop-in text per unit as systemd loaded it at the last daemon-reload. */
  readonly loaded = new Map<string, string | null>();
  private invocations = 0;

  constructor(
    private readonly unitDir: string,
    private readonly projectsDir: string,
    private readonly behave: (request: Record<string, unknown>) => Behaviour,
  ) {}

  unit(name: string): FakeUnit {
    let unit = this.units.get(name);
    if (!unit) {
      unit = {
        enabled: false,
        ActiveState: 'inactive',
        SubState: 'dead',
        Result: 'success',
        InvocationID: '',
        StatusText: '',
        ExecMainStatus: '0',
        runningHash: null,
      };
      this.units.set(name, unit);
    }
    return unit;
  }

  private async reload(): Promise<void> {
    const dirs = await readdir(this.unitDir).catch(() => [] as string[]);
    const names = new Set([...this.units.keys(), ...dirs.filter((d) => d.endsWith('.d')).map((d) => d.slice(0, -2))]);
    for (const name of names) {
      this.loaded.set(
        name,
        await readFile(join(this.unitDir, `${name}.d`, '10-project.conf'), 'utf8').catch(() => null),
      );
    }
  }

  private async launch(name: string): Promise<void> {
    const unit = this.unit(name);
    this.invocations += 1;
    Object.assign(unit, {
      InvocationID: `inv-${this.invocations}`,
      StatusText: '',
      ExecMainStatus: '0',
      Result: 'success',
    });
    const database = name.slice(name.indexOf('@') + 1, -'.service'.length).replace(/\\x2d/g, '-');
    const dir = join(this.projectsDir, database);
    const state = await readFile(join(dir, 'project.json'), 'utf8').catch(() => undefined);
    const request = await readFile(join(dir, 'request.json'), 'utf8').catch(() => undefined);
    if (state === undefined || request === undefined || this.loaded.get(name) == null) {
      Object.assign(unit, { ActiveState: 'failed', SubState: 'failed', Result: 'exit-code', ExecMainStatus: '1' });
      unit.runningHash = null;
      return;
    }
    const behaviour = this.behave(JSON.parse(request) as Record<string, unknown>);
    unit.runningHash = (JSON.parse(state) as { config_hash: string }).config_hash;
    if (behaviour.kind === 'ready') {
      Object.assign(unit, { ActiveState: 'active', SubState: 'running', StatusText: 'ready' });
    } else if (behaviour.kind === 'boot') {
      Object.assign(unit, { ActiveState: 'activating', SubState: 'start' });
      const invocation = unit.InvocationID;
      setTimeout(() => {
        if (unit.InvocationID === invocation && unit.ActiveState === 'activating') {
          Object.assign(unit, { ActiveState: 'active', SubState: 'running', StatusText: 'ready' });
        }
      }, behaviour.readyAfterMs);
    } else if (behaviour.kind === 'hang') {
      Object.assign(unit, { ActiveState: 'activating', SubState: 'start', StatusText: behaviour.status });
    } else {
      Object.assign(unit, {
        ActiveState: 'failed',
        SubState: 'failed',
        Result: 'exit-code',
        ExecMainStatus: String(behaviour.code),
        StatusText: behaviour.status,
      });
      unit.runningHash = null;
    }
  }

  private stopUnit(name: string): void {
    const unit = this.unit(name);
    if (unit.ActiveState === 'failed') return;
    Object.assign(unit, { ActiveState: 'inactive', SubState: 'dead', runningHash: null });
  }

  private show(name: string): Record<string, string> {
    const { enabled: _enabled, runningHash: _hash, ...props } = this.unit(name);
    return { Id: name, ...props };
  }

  systemctl(faults: Faults): Systemctl {
    const t = (label: string): Promise<void> => faults.tick(label);
    return {
      daemonReload: async () => (await t('daemon-reload'), this.reload()),
      enable: async (u) => void (await t(`enable ${u}`), (this.unit(u).enabled = true)),
      disable: async (u) => void (await t(`disable ${u}`), (this.unit(u).enabled = false)),
      start: async (u) => {
        await t(`start ${u}`);
        const state = this.unit(u).ActiveState;
        if (state !== 'active' && state !== 'activating') await this.launch(u);
      },
      restart: async (u) => (await t(`restart ${u}`), this.launch(u)),
      stop: async (u) => (await t(`stop ${u}`), this.stopUnit(u)),
      disableNow: async (u) => {
        await t(`disable --now ${u}`);
        this.unit(u).enabled = false;
        this.stopUnit(u);
      },
      resetFailed: async (u) => {
        await t(`reset-failed ${u}`);
        const unit = this.unit(u);
        if (unit.ActiveState === 'failed')
          Object.assign(unit, { ActiveState: 'inactive', SubState: 'dead', Result: 'success' });
      },
      activeState: async (u) => (await t(`is-active ${u}`), this.unit(u).ActiveState),
      isEnabled: async (u) => (await t(`is-enabled ${u}`), this.unit(u).enabled),
      show: async (u) => (await t(`show ${u}`), this.show(u)),
      // Not a fault point: the settle loop polls it a varying number of times.
      showMany: (us) => Promise.resolve(new Map(us.map((u) => [u, this.show(u)]))),
    };
  }
}

/** The real file operations, each counted by `faults` first. */
export function faultyFiles(faults: Faults): FilePort {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(realFiles)) {
    wrapped[name] = async (...args: unknown[]) => {
      await faults.tick(`${name} ${String(args[0])}`);
      return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return wrapped as unknown as FilePort;
}
