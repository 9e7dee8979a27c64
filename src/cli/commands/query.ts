// `db-proxy query <database> --monitory NAME`: pivot rows back, point ids decoded, one column per point,
// streamed from a cursor to stdout (with its back-pressure) so that any range fits in memory.
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { READER_FILE, credentialsPath, loadCredentials, loadReaderUrl } from '../../config/credentials.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { ConfigError, describeError } from '../../errors.js';
import { positiveInteger, unixTime } from '../option-values.js';
import { globalOptions } from '../options.js';

const FORMATS = ['table', 'csv', 'json'] as const;

interface QueryFlags {
  monitory: string;
  interval?: number;
  measures?: string;
  last?: number;
  from?: number;
  to?: number;
  json?: boolean;
  csv?: boolean;
  format?: (typeof FORMATS)[number];
  points?: string;
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('pivot rows of a project back from MongoDB: point ids decoded, one column per point')
    .argument('<database>', 'the project')
    .requiredOption('--monitory <name>', 'the extraction package (monitory name)')
    .option('--interval <seconds>', 'the extraction interval, when the monitory name has several', positiveInteger)
    .option('--measures <table>', 'the measures table, when the project has several')
    .addOption(
      new Option('--last <n>', 'the newest n waves (default 10)').argParser(positiveInteger).conflicts(['from', 'to']),
    )
    .option('--from <time>', 'first wave: unix seconds or ISO date (any range: rows are streamed)', unixTime)
    .option('--to <time>', 'last wave: unix seconds or ISO date', unixTime)
    .option('--points <ids>', 'only these point ids, comma-separated')
    .addOption(new Option('--json', 'print the rows as JSON').conflicts(['csv', 'format']))
    .addOption(new Option('--csv', 'print the rows as CSV (RFC 4180)').conflicts('format'))
    // The spelling before --json and --csv, kept for scripts.
    .addOption(new Option('--format <format>', 'table, csv or json').choices(FORMATS).hideHelp())
    .addHelpText(
      'after',
      `
The rows are read with MONGO_READ_URL, a MongoDB user with the read role: from the environment,
else from reader.env in the configuration directory (readable by the db-proxy-operators group).
Without one, the workers' MONGO_URL is used where it is readable, with a warning.
Exit codes: 0 rows printed (maybe none); 1 MongoDB failed; 2 wrong usage (an unknown option, a bad
value); 78 no such collection, or no MongoDB URL to read with.`,
    )
    .action(async (database: string, flags: QueryFlags, command: Command) => {
      const format = flags.json ? 'json' : flags.csv ? 'csv' : (flags.format ?? 'table');
      const { formatPivotStream } = await import('../../query/format.js');
      const query = {
        database,
        monitory: flags.monitory,
        ...(flags.interval !== undefined ? { interval: flags.interval } : {}),
        ...(flags.measures !== undefined ? { measures: flags.measures } : {}),
        ...(flags.last !== undefined ? { last: flags.last } : {}),
        ...(flags.from !== undefined ? { from: flags.from } : {}),
        ...(flags.to !== undefined ? { to: flags.to } : {}),
        ...(flags.points !== undefined ? { points: flags.points.split(',').filter((p) => p !== '') } : {}),
      };
      const { configDir } = globalOptions(command);
      const defaults = await loadDefaults(configDir);
      const url = await readUrl(configDir);
      const { openPivotReader } = await import('../../query/reader.js');
      const reader = openPivotReader({ url, database: defaults.mongo_database });
      try {
        const resolved = await reader.resolve(query);
        const chunks = formatPivotStream(() => reader.streamRows(resolved), format, {
          ...(resolved.points ? { points: resolved.points } : {}),
          onNotice: (message) => process.stderr.write(`db-proxy: warning: ${message}\n`),
        });
        for await (const chunk of chunks) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
      } finally {
        await reader.close();
      }
    });
}

/** MONGO_READ_URL (environment, reader.env); else, for an older install, the workers' URL with a warning. */
async function readUrl(configDir: string): Promise<string> {
  const reader = await loadReaderUrl(configDir);
  if (reader) return reader.url;
  try {
    const { MONGO_URL } = await loadCredentials(credentialsPath(configDir));
    process.stderr.write(
      `db-proxy: warning: reading with the workers' read-write MONGO_URL: set MONGO_READ_URL (a user with the read role) in ${configDir}/${READER_FILE} or the environment\n`,
    );
    return MONGO_URL;
  } catch (error) {
    throw new ConfigError(
      `no MongoDB URL to read with: set MONGO_READ_URL (a user with the read role) in the environment or in ${configDir}/${READER_FILE} (${describeError(error)})`,
      { cause: error },
    );
  }
}
