// Pure: whether a project's source can work, from what the MySQL catalog shows — the database,
// the cycle and measures tables, every configured column with a usable type, the indexes.
// Problems name the field to fix; a missing index is only a warning.
import type { SourceSchema } from '../config/defaults-schema.js';

/** What information_schema shows the project's MySQL user about its database. */
export interface Catalog {
  /** null when the database does not exist (or the user cannot see it); then the databases it can see. */
  database: { tables: string[] } | null;
  visibleDatabases: string[];
  /** Column name → lower-case DATA_TYPE, per table. */
  columns: Map<string, Map<string, string>>;
  /** The columns of each index, in order, per table. */
  indexes: Map<string, string[][]>;
}

export interface PreflightTarget {
  server: string;
  database: string;
  measures: string;
  schema: SourceSchema;
}

export interface Findings {
  issues: string[];
  warnings: string[];
}

const INTEGER = ['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric'];
const NUMBER = [...INTEGER, 'float', 'double', 'real'];
const TEXT = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum'];

const CHANGE = [...INTEGER.filter((type) => type !== 'decimal' && type !== 'numeric'), 'timestamp', 'datetime'];

interface ColumnRule {
  field: Exclude<keyof SourceSchema, 'measure_change_column'>;
  types: readonly string[];
  expected: string;
}

const CYCLE_COLUMNS: ColumnRule[] = [
  { field: 'cycle_wave_counter', types: INTEGER, expected: 'an integer type (BIGINT: unix seconds)' },
  { field: 'cycle_monitory_name', types: TEXT, expected: 'a text type (VARCHAR)' },
  { field: 'cycle_interval', types: NUMBER, expected: 'a number type (INT seconds)' },
];
const MEASURE_COLUMNS: ColumnRule[] = [
  { field: 'measure_wave_counter', types: INTEGER, expected: 'an integer type (BIGINT: unix seconds)' },
  { field: 'measure_point_id', types: [...TEXT, ...INTEGER], expected: 'a text or integer type (VARCHAR)' },
  { field: 'measure_point_value', types: NUMBER, expected: 'a number type (DOUBLE)' },
];

function list(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, … (${names.length} in all)` : shown;
}

export function checkCatalog(target: PreflightTarget, catalog: Catalog): Findings {
  const issues: string[] = [];
  const warnings: string[] = [];
  if (catalog.database === null) {
    issues.push(
      `database: ${target.database} does not exist on ${target.server} (or the MySQL user cannot see it); databases there: ${list(catalog.visibleDatabases)}`,
    );
    return { issues, warnings };
  }
  const tables = catalog.database.tables;
  const s = target.schema;
  const checkTable = (field: string, table: string, rules: ColumnRule[], waveField: ColumnRule['field']): void => {
    if (!tables.includes(table)) {
      issues.push(`${field}: table ${table} does not exist in ${target.database}; tables there: ${list(tables)}`);
      return;
    }
    const columns = catalog.columns.get(table) ?? new Map<string, string>();
    for (const rule of rules) {
      const column = s[rule.field];
      const type = columns.get(column);
      if (type === undefined) {
        issues.push(
          `source.${rule.field}: column ${column} does not exist in ${table}; columns there: ${list([...columns.keys()])}`,
        );
      } else if (!rule.types.includes(type)) {
        issues.push(
          `source.${rule.field}: column ${column} of ${table} is ${type.toUpperCase()}; expected ${rule.expected}`,
        );
      }
    }
    const wave = s[waveField];
    const indexed = (catalog.indexes.get(table) ?? []).some(
      (columnsOfIndex) =>
        columnsOfIndex[0] === wave ||
        (table === s.cycle_table && columnsOfIndex[0] === s.cycle_monitory_name && columnsOfIndex[1] === wave),
    );
    if (columns.has(wave) && !indexed) {
      warnings.push(`${field}: no index of ${table} starts with ${wave}; every cycle will scan the table`);
    }
  };
  checkTable('source.cycle_table', s.cycle_table, CYCLE_COLUMNS, 'cycle_wave_counter');
  checkTable('measures', target.measures, MEASURE_COLUMNS, 'measure_wave_counter');
  if (s.measure_change_column !== undefined && tables.includes(target.measures))
    checkChangeColumn(target.measures, s.measure_change_column, catalog, { issues, warnings });
  return { issues, warnings };
}

/** The optional change column: a whole number or a time, and best the first column of an index. */
function checkChangeColumn(table: string, column: string, catalog: Catalog, findings: Findings): void {
  const columns = catalog.columns.get(table) ?? new Map<string, string>();
  const type = columns.get(column);
  if (type === undefined) {
    findings.issues.push(
      `source.measure_change_column: column ${column} does not exist in ${table}; columns there: ${list([...columns.keys()])}`,
    );
  } else if (!CHANGE.includes(type)) {
    findings.issues.push(
      `source.measure_change_column: column ${column} of ${table} is ${type.toUpperCase()}; expected an integer type (an AUTO_INCREMENT id) or TIMESTAMP/DATETIME`,
    );
  } else if (!(catalog.indexes.get(table) ?? []).some((index) => index[0] === column)) {
    findings.warnings.push(
      `source.measure_change_column: no index of ${table} starts with ${column}; every cycle will scan the table to find new rows`,
    );
  }
}
