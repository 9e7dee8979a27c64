// `db-proxy submit [file]` and `db-proxy remove <database>`: hand a request to the creator through
// the drop folder, reset the editable file, and wait for the creator's verdict.
import { writeFile, rename } from 'node:fs/promises';
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
import { DEFAULT_REQUEST_FILE } from './validate.js';

/** Exit code when no verdict came in time (EX_TEMPFAIL): the request stays queued. */
export const EXIT_NO_VERDICT = 75;

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
        "validate a request, hand it to the creator, reset the file to the template, print the creator's verdict",
      )
      .argument('[file]', 'the request file', DEFAULT_REQUEST_FILE),
  )
    .addHelpText(
      'after',
      `
A request starts or changes the project of its "database"; {"action": "remove", "database": "…"}
removes one (or use db-proxy remove). The file is validated exactly as db-proxy validate does,
written atomically into <state-dir>/requests/, and, once there, reset to the template.
${EXIT_CODES_HELP}`,
    )
    .action(async (file: string, flags: WaitFlags, command: Command) => {
      const { stateDir } = globalOptions(command);
      const timeoutMs = flags.timeout * 1000;
      const { submission, text } = await readSubmissionFile(file);
      const layout = stateLayout(stateDir);
      const id = await dropRequest(layout, submissionDatabase(submission), text);
      await resetToTemplate(file);
      process.stderr.write(`submitted ${id}: ${summarizeSubmission(submission)}\n`);
      process.stderr.write(`${file} was reset to the template\n`);
      await awaitVerdict(layout, id, flags, timeoutMs);
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

async function resetToTemplate(file: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, renderTemplate());
  await rename(temp, file);
}

async function awaitVerdict(layout: StateLayout, id: string, flags: WaitFlags, timeoutMs: number): Promise<void> {
  if (!flags.wait) {
    process.stdout.write(flags.json ? `${JSON.stringify({ request_id: id, queued: true })}\n` : `queued: ${id}\n`);
    return;
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
}

export function verdictExitCode(verdict: Verdict): number {
  if (verdict.accepted) return ExitCode.ok;
  return verdict.outcome === 'rejected' ? ExitCode.config : ExitCode.failure;
}
