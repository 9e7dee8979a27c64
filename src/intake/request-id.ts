// Request ids: sortable by submit time, unique, safe as file names.
import { randomBytes } from 'node:crypto';

/** `20261123T101500123Z-<database>-<6 hex>`; sorting the names sorts by submit time. */
export function newRequestId(database: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${database}-${randomBytes(3).toString('hex')}`;
}
