// `db-proxy validate [file]`: checks a request file without submitting it.
import type { Command } from 'commander';
import { loadDefaults } from '../../config/load-defaults.js';
import { MAX_JSON_DEPTH } from '../../request/json-text.js';
import { MAX_REQUEST_BYTES } from '../../request/read.js';
import { readSubmissionFile, summarizeSubmission } from '../../request/submission.js';
import { UNIT_NAME_MAX } from '../../request/unit-name.js';
import { globalOptions } from '../options.js';

export const DEFAULT_REQUEST_FILE = 'requests/request.json';

export const LIMITS_HELP = `
Limits: a request is at most ${MAX_REQUEST_BYTES} bytes (1 MiB) and nested at most ${MAX_JSON_DEPTH} levels deep;
the unit name <unit_prefix>@<escaped database>.service is at most ${UNIT_NAME_MAX} bytes (systemd's limit;
every "-" of the database escapes to 4 bytes, "\\x2d"), checked with the configured unit_prefix when
<config-dir>/defaults.json is readable, else with "db-proxy".`;

/** The unit_prefix of the private defaults, when this user can read them (the creator checks again). */
export async function configuredUnitPrefix(configDir: string): Promise<string | undefined> {
  try {
    return (await loadDefaults(configDir)).unit_prefix;
  } catch {
    return undefined;
  }
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a request file; prints a one-line summary, or one line per problem')
    .argument('[file]', 'the request file', DEFAULT_REQUEST_FILE)
    .addHelpText(
      'after',
      `\nExit codes: 0 valid; 2 wrong usage; 78 invalid (one line per problem on stderr) or unreadable.\n${LIMITS_HELP}`,
    )
    .action(async (file: string, _flags: unknown, command: Command) => {
      const { configDir } = globalOptions(command);
      const { submission } = await readSubmissionFile(file, await configuredUnitPrefix(configDir));
      process.stdout.write(`ok: ${summarizeSubmission(submission)}\n`);
    });
}
