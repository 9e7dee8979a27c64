// systemd's limit on unit names, applied to the unit a request's database will run as.
import { describeValue } from './describe-value.js';
import { projectUnitName } from '../systemd/escape.js';

/** systemd's UNIT_NAME_MAX (256 with the terminating NUL): the longest unit name, in bytes. */
export const UNIT_NAME_MAX = 255;

/** The `unit_prefix` of the private defaults when they do not set one. */
export const DEFAULT_UNIT_PREFIX = 'db-proxy';

/** Why `database` cannot be a unit's instance under `prefix`, as an expectation; undefined when it fits. */
export function unitNameProblem(prefix: string, database: string): string | undefined {
  const bytes = Buffer.byteLength(projectUnitName(prefix, database), 'utf8');
  if (bytes <= UNIT_NAME_MAX) return undefined;
  return (
    `a name whose unit name ${prefix}@<escaped name>.service is at most ${UNIT_NAME_MAX} bytes (systemd's limit); ` +
    `this one is ${bytes} bytes, as every "-" escapes to "\\x2d": use a shorter name or fewer "-"`
  );
}

/** The operator-facing line for a database whose unit name is too long under `prefix`. */
export function unitNameIssue(prefix: string, database: string): string | undefined {
  const problem = unitNameProblem(prefix, database);
  return problem === undefined ? undefined : `database: got ${describeValue(database)}; expected ${problem}`;
}
