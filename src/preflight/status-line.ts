// How a worker hands the problems its preflight found to the creator: one STATUS= line that
// `systemctl show -p StatusText` still reads after the worker exited with 78.

const PREFIX = 'configuration: ';
const SEPARATOR = ' | ';

/** The STATUS= line of a worker that exits because its configuration cannot work. */
export function formatConfigStatus(issues: readonly string[]): string {
  return `${PREFIX}${issues.map((issue) => issue.replace(/\s+/g, ' ').replaceAll(SEPARATOR, ' / ')).join(SEPARATOR)}`;
}

/** The issues of such a line, or undefined for any other status. */
export function parseConfigStatus(status: string): string[] | undefined {
  if (!status.startsWith(PREFIX)) return undefined;
  const issues = status
    .slice(PREFIX.length)
    .split(SEPARATOR)
    .map((issue) => issue.trim())
    .filter((issue) => issue !== '');
  return issues.length > 0 ? issues : undefined;
}
