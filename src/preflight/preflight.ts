// The worker's preflight before READY: the source database, tables, columns, types, SELECT
// privilege and indexes, as the project's MySQL user sees them. Findings for the operator; a
// server that does not answer throws a SourceError instead (retry, it may come back).
import { readCatalog, trySelect, type MysqlAccess } from './catalog.js';
import { checkCatalog, type Findings, type PreflightTarget } from './check.js';

export type { Findings, PreflightTarget } from './check.js';
export type { MysqlAccess } from './catalog.js';

export async function runPreflight(access: MysqlAccess, target: PreflightTarget): Promise<Findings> {
  const findings = checkCatalog(target, await readCatalog(access, target));
  if (findings.issues.length > 0) return findings;
  const s = target.schema;
  const denied = await trySelect(access, target, [
    {
      field: 'source.cycle_table',
      table: s.cycle_table,
      columns: [s.cycle_wave_counter, s.cycle_monitory_name, s.cycle_interval],
    },
    {
      field: 'measures',
      table: target.measures,
      columns: [
        s.measure_wave_counter,
        s.measure_point_id,
        s.measure_point_value,
        ...(s.measure_change_column === undefined ? [] : [s.measure_change_column]),
      ],
    },
  ]);
  return { issues: denied, warnings: findings.warnings };
}
