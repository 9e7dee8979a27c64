// `db-proxy query <database> --monitory NAME`: pivot rows back, point ids decoded, one column per point,
// streamed from a cursor to stdout (with its back-pressure) so that any range fits in memory.
import { once } from 'node:events';
import type { Command } from 'commander';
import { credentialsPath, loadCredentials } from '../../config/credentials.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { UsageError } from '../../errors.js';
import { globalOptions } from '../options.js';

/** Unix seconds, or a date that Date.parse takes (ISO 8601). */
export function parseTime(flag: string, text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new UsageError(
      `${flag}: got ${JSON.stringify(text)}; expected unix seconds or an ISO date such as 2026-11-23T10:00:00Z`,
    );
  return Math.floor(ms / 1000);
}

function positiveInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${flag}: got ${JSON.stringify(text)}; expected a whole number greater than 0`);
  return value;
}

interface QueryFlags {
  monitory: string;
  interval?: string;
  measures?: string;
  last?: string;
  from?: string;
  to?: string;
  format: string;
  points?: string;
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('pivot rows of a project back from MongoDB: point ids decoded, one column per point')
    .argument('<database>', 'the project')
    .requiredOption('--monitory <name>', 'the extraction package (monitory name)')
    .option('--interval <seconds>', 'the extraction interval, when the monitory name has several')
    .option('--measures <table>', 'the measures table, when the project has several')
    .option('--last <n>', 'the newest n waves (default 10)')
    .option('--from <time>', 'first wave: unix seconds or ISO date (any range: rows are streamed)')
    .option('--to <time>', 'last wave: unix seconds or ISO date')
    .option('--points <ids>', 'only these point ids, comma-separated')
    .option('--format <format>', 'table, csv or json', 'table')
    .addHelpText(
      'after',
      '\nExit codes: 0 rows printed (maybe none); 78 no such collection or a bad option; 1 MongoDB failed.',
    )
    .action(async (database: string, flags: QueryFlags, command: Command) => {
      const { PIVOT_FORMATS, formatPivotStream } = await import('../../query/format.js');
      const format = PIVOT_FORMATS.find((f) => f === flags.format);
      if (format === undefined) {
        throw new UsageError(`--format: got ${JSON.stringify(flags.format)}; expected table, csv or json`);
      }
      const query = {
        database,
        monitory: flags.monitory,
        ...(flags.interval !== undefined ? { interval: positiveInt('--interval', flags.interval) } : {}),
        ...(flags.measures !== undefined ? { measures: flags.measures } : {}),
        ...(flags.last !== undefined ? { last: positiveInt('--last', flags.last) } : {}),
        ...(flags.from !== undefined ? { from: parseTime('--from', flags.from) } : {}),
        ...(flags.to !== undefined ? { to: parseTime('--to', flags.to) } : {}),
        ...(flags.points !== undefined ? { points: flags.points.split(',').filter((p) => p !== '') } : {}),
      };
      const { configDir } = globalOptions(command);
      const defaults = await loadDefaults(configDir);
      const credentials = await loadCredentials(credentialsPath(configDir));
      const { openPivotReader } = await import('../../query/reader.js');
      const reader = openPivotReader({ url: credentials.MONGO_URL, database: defaults.mongo_database });
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
