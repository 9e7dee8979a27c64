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
  enableNow(unit: string): Promise<void>;
  restart(unit: string): Promise<void>;
  disableNow(unit: string): Promise<void>;
  /** `active`, `activating`, `failed`, `inactive`, … as `systemctl is-active` says. */
  activeState(unit: string): Promise<string>;
  isEnabled(unit: string): Promise<boolean>;
  /** `systemctl show -p NAME --value` for a few properties. */
  show(unit: string, properties: readonly string[]): Promise<Record<string, string>>;
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
    async enableNow(unit) {
      // --no-block: READY comes once MySQL and MongoDB answer; the creator watches for it itself.
      await run(['enable', '--now', '--no-block', unit], `starting ${unit}`);
    },
    async restart(unit) {
      await run(['restart', '--no-block', unit], `restarting ${unit}`);
    },
    async disableNow(unit) {
      await run(['disable', '--now', unit], `stopping ${unit}`);
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
      return Object.fromEntries(
        stdout
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    },
  };
}
