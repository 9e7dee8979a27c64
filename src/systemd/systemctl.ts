// systemctl, behind one small interface so the creator's logic takes it as a dependency.
import { execa } from 'execa';
import { DbProxyError } from '../errors.js';

export class SystemdError extends DbProxyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SYSTEMD_FAILED', message, options);
  }
}

export interface Systemctl {
  daemonReload(): Promise<void>;
  /** Enables without the implicit daemon-reload (the creator reloads once for many units). */
  enable(unit: string): Promise<void>;
  /** Queues a start and returns; the caller watches the unit's state itself. */
  start(unit: string): Promise<void>;
  /** Queues a restart and returns. */
  restart(unit: string): Promise<void>;
  /** Stops (waiting for the stop to finish) and disables without the implicit daemon-reload. */
  disableNow(unit: string): Promise<void>;
  /** Disables without stopping and without the implicit daemon-reload. */
  disable(unit: string): Promise<void>;
  /** Stops, waiting for the stop to finish. */
  stop(unit: string): Promise<void>;
  resetFailed(unit: string): Promise<void>;
  /** `active`, `activating`, `failed`, `inactive`, … as `systemctl is-active` says. */
  activeState(unit: string): Promise<string>;
  isEnabled(unit: string): Promise<boolean>;
  /** `systemctl show` of a few properties for one unit. */
  show(unit: string, properties: readonly string[]): Promise<Record<string, string>>;
  /** The same for many units in one call, by unit name. */
  showMany(units: readonly string[], properties: readonly string[]): Promise<Map<string, Record<string, string>>>;
}

export function createSystemctl(command = 'systemctl'): Systemctl {
  async function run(args: string[], what: string): Promise<string> {
    const result = await execa(command, args, { reject: false, timeout: 60_000 });
    if (result.exitCode !== 0) {
      const detail = (result.stderr || result.stdout || `exit code ${String(result.exitCode)}`).trim();
      throw new SystemdError(`systemctl ${args.join(' ')} failed while ${what}: ${detail}`, { cause: result });
    }
    return result.stdout;
  }
  return {
    async daemonReload() {
      await run(['daemon-reload'], 'reloading unit files');
    },
    async enable(unit) {
      await run(['enable', '--no-reload', unit], `enabling ${unit}`);
    },
    async start(unit) {
      // --no-block: READY comes once MySQL and MongoDB answer; the creator watches for it itself.
      await run(['start', '--no-block', unit], `starting ${unit}`);
    },
    async restart(unit) {
      await run(['restart', '--no-block', unit], `restarting ${unit}`);
    },
    async disableNow(unit) {
      await run(['disable', '--no-reload', '--now', unit], `stopping ${unit}`);
    },
    async disable(unit) {
      await run(['disable', '--no-reload', unit], `disabling ${unit}`);
    },
    async stop(unit) {
      await run(['stop', unit], `stopping ${unit}`);
    },
    async resetFailed(unit) {
      // Fails when the unit is not loaded, which is fine: there is nothing to reset then.
      await execa(command, ['reset-failed', unit], { reject: false, timeout: 30_000 });
    },
    async activeState(unit) {
      const result = await execa(command, ['is-active', unit], { reject: false, timeout: 30_000 });
      return result.stdout.trim() || 'unknown';
    },
    async isEnabled(unit) {
      const result = await execa(command, ['is-enabled', unit], { reject: false, timeout: 30_000 });
      return result.stdout.trim() === 'enabled';
    },
    async show(unit, properties) {
      const stdout = await run(['show', unit, ...properties.map((p) => `--property=${p}`)], `inspecting ${unit}`);
      return parseShowBlock(stdout);
    },
    async showMany(units, properties) {
      const result = new Map<string, Record<string, string>>();
      if (units.length === 0) return result;
      const stdout = await run(
        ['show', '--property=Id', ...properties.map((p) => `--property=${p}`), '--', ...units],
        `inspecting ${units.length} unit(s)`,
      );
      // One block per unit, in the order asked, separated by blank lines.
      const blocks = stdout.split(/\n\n+/).filter((block) => block.trim() !== '');
      blocks.forEach((block, index) => {
        const unit = units[index];
        if (unit !== undefined) result.set(unit, parseShowBlock(block));
      });
      return result;
    },
  };
}

export function parseShowBlock(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
