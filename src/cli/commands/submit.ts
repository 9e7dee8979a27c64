// `db-proxy submit [file]` and `db-proxy remove <database>`: hand a request to the creator through
// the drop folder, wait for the creator's verdict, and reset the editable file once accepted.
import { writeFile, rename } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { DbProxyError, ExitCode, UsageError } from '../../errors.js';
import { dropRequest, waitForVerdict } from '../../intake/drop.js';
import { stateLayout, type StateLayout } from '../../intake/layout.js';
import { formatVerdict, type Verdict } from '../../intake/verdict.js';
import { isSafeIdentifier, SAFE_IDENTIFIER_EXPECTATION } from '../../request/identifiers.js';
import { readSubmissionFile, removalText, submissionDatabase, summarizeSubmission } from '../../request/submission.js';
import { renderTemplate } from '../../request/template.js';
import { positiveSeconds } from '../option-values.js';
import { globalOptions } from '../options.js';
import { DEFAULT_REQUEST_FILE, LIMITS_HELP, configuredUnitPrefix } from './validate.js';

/** Exit code when no verdict came in time (EX_TEMPFAIL): the request stays queued. */
export const EXIT_NO_VERDICT = 75;

/** The only file name submit resets to the template: the operator's editable request. */
export const EDITABLE_REQUEST_NAME = 'request.json';

const EXIT_CODES_HELP = `
Exit codes: 0 accepted (started, restarted, unchanged or removed); 78 invalid request, or rejected
by the creator; 1 the creator could not apply it (rolled back); 75 no verdict within --timeout
(the request stays queued); 2 wrong usage (an unknown option, a bad value).`;

interface WaitFlags {
  wait: boolean;
  timeout: number;
  json?: boolean;
}

function addWaitOptions(command: Command): Command {
  return command
    .option('--no-wait', 'return once the request is in the drop folder')
    .option('--timeout <seconds>', "how long to wait for the creator's verdict", positiveSeconds, 60)
    .option('--json', 'print the verdict as JSON');
}

export function registerSubmit(program: Command): void {
  addWaitOptions(
    program
      .command('submit')
      .description(
        "validate a request, hand it to the creator, print the creator's verdict; once accepted, reset request.json to the template",
      )
      .argument('[file]', 'the request file', DEFAULT_REQUEST_FILE),
  )
    .addHelpText(
      'after',
      `
A request starts or changes the project of its "database"; {"action": "remove", "database": "…"}
removes one (or use db-proxy remove). The file is validated exactly as db-proxy validate does and
written atomically into <state-dir>/requests/.

The file is reset to the template only after an accepted verdict, and only when its name is
${EDITABLE_REQUEST_NAME} (so requests/example.json or any other file is never overwritten). A rejected or
failed request, a timeout, and --no-wait (no verdict is awaited) leave the file as it is.
${LIMITS_HELP}
${EXIT_CODES_HELP}`,
    )
    .action(async (file: string, flags: WaitFlags, command: Command) => {
      const { stateDir, configDir } = globalOptions(command);
      const timeoutMs = flags.timeout * 1000;
      const { submission, text } = await readSubmissionFile(file, await configuredUnitPrefix(configDir));
      const layout = stateLayout(stateDir);
      const id = await dropRequest(layout, submissionDatabase(submission), text);
      process.stderr.write(`submitted ${id}: ${summarizeSubmission(submission)}\n`);
      const verdict = await awaitVerdict(layout, id, flags, timeoutMs);
      process.stderr.write(`${await afterVerdict(file, verdict, flags.wait)}\n`);
    });

  addWaitOptions(
    program
      .command('remove')
      .description(
        'stop and disable the unit of a project and archive its folder (a removal request); its pivot collections in MongoDB are kept',
      )
      .argument('<database>', 'the database of the project'),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (database: string, flags: WaitFlags, command: Command) => {
      const { stateDir } = globalOptions(command);
      const timeoutMs = flags.timeout * 1000;
      if (!isSafeIdentifier(database)) {
        throw new UsageError(`database: got ${JSON.stringify(database)}; expected ${SAFE_IDENTIFIER_EXPECTATION}`);
      }
      const layout = stateLayout(stateDir);
      const id = await dropRequest(layout, database, removalText(database));
      process.stderr.write(`submitted ${id}: remove the project ${database}\n`);
      await awaitVerdict(layout, id, flags, timeoutMs);
    });
}

/** Resets the editable file after an accepted verdict; says what happened to the file either way. */
async function afterVerdict(file: string, verdict: Verdict | undefined, waited: boolean): Promise<string> {
  if (!waited)
    return `${file} was kept as it is: with --no-wait there is no verdict, and only an accepted request resets it`;
  if (!verdict?.accepted) return `${file} was kept as it is, so you can fix it and submit again`;
  if (basename(file) !== EDITABLE_REQUEST_NAME) {
    return `${file} was kept as it is: only a file named ${EDITABLE_REQUEST_NAME} is reset to the template`;
  }
  await resetToTemplate(file);
  return `${file} was reset to the template`;
}

async function resetToTemplate(file: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, renderTemplate());
  await rename(temp, file);
}

async function awaitVerdict(
  layout: StateLayout,
  id: string,
  flags: WaitFlags,
  timeoutMs: number,
): Promise<Verdict | undefined> {
  if (!flags.wait) {
    process.stdout.write(flags.json ? `${JSON.stringify({ request_id: id, queued: true })}\n` : `queued: ${id}\n`);
    return undefined;
  }
  process.stderr.write(`waiting up to ${Math.round(timeoutMs / 1000)} s for the creator's verdict…\n`);
  const verdict = await waitForVerdict(layout, id, { timeoutMs });
  if (!verdict) {
    throw new DbProxyError(
      'NO_VERDICT',
      `no verdict for ${id} within ${Math.round(timeoutMs / 1000)} s; the request stays in ${layout.requests}. ` +
        'Is the creator running? systemctl status db-proxy-creator; journalctl -u db-proxy-creator',
      { exitCode: EXIT_NO_VERDICT },
    );
  }
  process.stdout.write(flags.json ? `${JSON.stringify(verdict)}\n` : formatVerdict(verdict));
  process.exitCode = verdictExitCode(verdict);
  return verdict;
}

export function verdictExitCode(verdict: Verdict): number {
  if (verdict.accepted) return ExitCode.ok;
  return verdict.outcome === 'rejected' ? ExitCode.config : ExitCode.failure;
}
