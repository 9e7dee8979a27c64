// Names of the MongoDB collections db-proxy writes.

/** `<database>;<measures>;<monitory_name>;<interval>`, as the spec fixes it. */
export function collectionName(database: string, measures: string, monitoryName: string, interval: number): string {
  return `${database};${measures};${monitoryName};${interval}`;
}

/** Where per-collection checkpoints live, beside the pivot collections. */
export const CHECKPOINTS_COLLECTION = 'db_proxy_checkpoints';
