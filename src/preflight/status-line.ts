// How a worker hands its words to the creator before READY: the problems its preflight found, in
// the STATUS= line `systemctl show -p StatusText` still reads after it exited with 78, or that it
// is up but waiting for its databases.

const PREFIX = 'configuration: ';
const STARTING = 'starting: ';
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

/** The STATUS= line of a worker that is up but cannot reach its databases yet (it retries). */
export function formatStartingStatus(problem: string, retrySeconds: number): string {
  return `${STARTING}${problem} (retry in ${Math.round(retrySeconds)} s)`;
}

/** Whether a worker said it is up and waiting for its databases: silence means it is still booting. */
export function isStartingStatus(status: string): boolean {
  return status.startsWith(STARTING);
}
