// `db-proxy render-units`: renders the template unit and the creator's unit for install.sh, with
// the paths chosen at install time baked in.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadDefaults } from '../../config/load-defaults.js';
import { UsageError } from '../../errors.js';
import { renderTemplate, type InstallContext } from '../../systemd/render.js';
import { globalOptions } from '../options.js';

// The units install.sh installs live in units/; templates/ holds what the creator renders per project.
const TEMPLATES = fileURLToPath(new URL('../../../units/', import.meta.url));

/** Template file → installed unit name, for a unit prefix. */
export function installedUnits(prefix: string): { template: string; unit: string }[] {
  return [
    { template: 'db-proxy@.service.hbs', unit: `${prefix}@.service` },
    { template: 'db-proxy-creator.service.hbs', unit: `${prefix}-creator.service` },
    { template: 'db-proxy-monitor.service.hbs', unit: `${prefix}-monitor.service` },
  ];
}

interface RenderFlags {
  out: string;
  node: string;
  appDir: string;
  user: string;
  group: string;
  operatorsGroup: string;
  monitorUser?: string;
}

export function registerRenderUnits(program: Command): void {
  program
    .command('render-units')
    .description(
      'render the units install.sh installs (the worker template unit, the creator and the monitor) into a folder',
    )
    .requiredOption('--out <dir>', 'where to write the unit files')
    .requiredOption('--node <path>', 'absolute path of the node binary the units run')
    .requiredOption('--app-dir <dir>', 'absolute path of the installed program (holding dist/)')
    .option('--user <name>', 'the unprivileged user of the workers (and of the monitor)', 'db-proxy')
    .option('--group <name>', 'its group, the only one that may read the secrets', 'db-proxy')
    .option(
      '--operators-group <name>',
      'the operators: drop requests, read verdicts, project folders and the status snapshot',
      'db-proxy-operators',
    )
    .option(
      '--monitor-user <name>',
      "the monitor's user (default --user); root only where systemd has no D-Bus system bus",
    )
    .addHelpText(
      'after',
      '\nPrints the names of the files written, one per line. The unit prefix comes from defaults.json.',
    )
    .action(async (flags: RenderFlags, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      for (const [flag, value] of [
        ['--node', flags.node],
        ['--app-dir', flags.appDir],
        ['--config-dir', configDir],
        ['--state-dir', stateDir],
      ] as const) {
        if (!isAbsolute(value))
          throw new UsageError(`${flag}: got ${JSON.stringify(value)}; expected an absolute path`);
      }
      const defaults = await loadDefaults(configDir);
      const context: InstallContext = {
        nodePath: flags.node,
        appDir: flags.appDir,
        configDir,
        stateDir,
        user: flags.user,
        group: flags.group,
        operatorsGroup: flags.operatorsGroup,
        monitorUser: flags.monitorUser ?? flags.user,
        unitPrefix: defaults.unit_prefix,
      };
      await mkdir(flags.out, { recursive: true });
      for (const { template, unit } of installedUnits(defaults.unit_prefix)) {
        const text = renderTemplate(await readFile(join(TEMPLATES, template), 'utf8'), context);
        await writeFile(join(flags.out, unit), text, { mode: 0o644 });
        process.stdout.write(`${unit}\n`);
      }
    });
}
