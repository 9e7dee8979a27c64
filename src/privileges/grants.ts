// Reads SHOW GRANTS lines and finds what a user may do beyond SELECT on the project's tables. Pure.

export interface Grant {
  /** Upper-case privilege names, a column list kept: `SELECT`, `UPDATE (point_value)`, `ALL PRIVILEGES`. */
  privileges: string[];
  /** `*` for every database / table. Names unquoted; a database may be a LIKE pattern (`db\_%`). */
  database: string;
  table: string;
  withGrantOption: boolean;
  /** The line as the server gave it, for the message. */
  text: string;
}

/** A project's tables, as the sync reads them. */
export interface ProjectTables {
  database: string;
  tables: readonly string[];
}

/** `GRANT <privileges> ON <db>.<table> TO …`; undefined for lines that are no such grant (roles, PROXY). */
export function parseGrant(line: string): Grant | undefined {
  const match = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?: BODY)?)\s+)?(\S+)\s+TO\s+/is.exec(
    line.trim(),
  );
  if (!match) return undefined;
  const [, privilegeText = '', target = ''] = match;
  const scope = splitTarget(target);
  if (!scope || /^PROXY$/i.test(privilegeText.trim())) return undefined;
  return {
    privileges: splitPrivileges(privilegeText),
    database: scope.database,
    table: scope.table,
    withGrantOption: /\bWITH\s+GRANT\s+OPTION\b/i.test(line) || /\bGRANT OPTION\b/i.test(privilegeText),
    text: line.trim(),
  };
}

/**
 * The privileges beyond SELECT that reach any of the project's tables (`INSERT`, `ALL PRIVILEGES`,
 * `GRANT OPTION`, …), each once, in the order the grants give them.
 */
export function excessPrivileges(
  lines: readonly string[],
  project: ProjectTables,
): { privileges: string[]; grants: string[] } {
  const privileges: string[] = [];
  const grants: string[] = [];
  for (const line of lines) {
    const grant = parseGrant(line);
    if (!grant || !reaches(grant, project)) continue;
    const extra = grant.privileges.filter((p) => p !== 'SELECT' && p !== 'USAGE' && !p.startsWith('SELECT ('));
    if (grant.withGrantOption && !extra.includes('GRANT OPTION')) extra.push('GRANT OPTION');
    if (extra.length === 0) continue;
    grants.push(grant.text.replace(/\s+IDENTIFIED\s+BY\s+.*$/is, ''));
    for (const privilege of extra) if (!privileges.includes(privilege)) privileges.push(privilege);
  }
  return { privileges, grants };
}

function reaches(grant: Grant, project: ProjectTables): boolean {
  if (grant.database !== '*' && !likeMatches(grant.database, project.database)) return false;
  return grant.table === '*' || project.tables.includes(grant.table);
}

/** Database names in grants may be LIKE patterns: `%`, `_`, and `\_` for a literal underscore. */
function likeMatches(pattern: string, name: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      regex += escapeRegex(pattern[i + 1]!);
      i += 1;
    } else if (c === '%') regex += '.*';
    else if (c === '_') regex += '.';
    else regex += escapeRegex(c);
  }
  return new RegExp(`^${regex}$`, 's').test(name);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `*.*`, `` `db`.* ``, `` `db`.`t` ``, `db.t` → the unquoted names. */
function splitTarget(target: string): { database: string; table: string } | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i < target.length) {
    if (target[i] === '`') {
      let name = '';
      i += 1;
      while (i < target.length) {
        if (target[i] === '`' && target[i + 1] === '`') {
          name += '`';
          i += 2;
        } else if (target[i] === '`') {
          i += 1;
          break;
        } else name += target[i++];
      }
      parts.push(name);
    } else {
      const end = target.indexOf('.', i);
      parts.push(target.slice(i, end === -1 ? undefined : end));
      i = end === -1 ? target.length : end;
    }
    if (target[i] === '.') i += 1;
  }
  if (parts.length !== 2) return undefined;
  return { database: parts[0]!, table: parts[1]! };
}

/** `SELECT, INSERT (a, b), ALL PRIVILEGES` → names, a column list kept with its privilege. */
function splitPrivileges(text: string): string[] {
  const result: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (c === ',' && depth === 0) {
      result.push(current);
      current = '';
    } else current += c;
  }
  result.push(current);
  return result
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter((p) => p !== '')
    .map((p) => p.replace(/^[^(]+/, (name) => name.toUpperCase()).replace(/ \(/, ' ('))
    .map((p) => (p === 'ALL' ? 'ALL PRIVILEGES' : p));
}
