// `db-proxy validate [file]`: checks a request file without submitting it.
import type { Command } from 'commander';
import { readSubmissionFile, summarizeSubmission } from '../../request/submission.js';

export const DEFAULT_REQUEST_FILE = 'requests/request.json';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a request file; prints a one-line summary, or one line per problem')
    .argument('[file]', 'the request file', DEFAULT_REQUEST_FILE)
    .addHelpText(
      'after',
      '\nExit codes: 0 valid; 2 wrong usage; 78 invalid (one line per problem on stderr) or unreadable.',
    )
    .action(async (file: string) => {
      const { submission } = await readSubmissionFile(file);
      process.stdout.write(`ok: ${summarizeSubmission(submission)}\n`);
    });
}
