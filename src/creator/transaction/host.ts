// What a transaction works through — the file operations, the log and the orchestrator's adapter —
// and where its files are: the project folder, its staging, previous and removed copies, and the
// space reserved for the verdict.
import { join } from 'node:path';
import type { StateLayout } from '../../intake/layout.js';
import { verdictReservePath } from '../../intake/verdict.js';
import type { Logger } from '../../logging/logger.js';
import type { Orchestrator, Prepared } from '../../orchestrator/port.js';
import type { FilePort } from '../files.js';
import type { Journal } from './journal.js';

export interface Host {
  files: FilePort;
  logger: Logger;
  orchestrator: Orchestrator;
}

/** Bytes reserved for a verdict before anything changes (a verdict is a few KiB at most). */
export const VERDICT_RESERVE_BYTES = 64 * 1024;

export interface Paths {
  dir: string;
  staging: string;
  previous: string;
  /** A removed project's folder, until the verdict is on disk and it moves to archive/. */
  removed: string;
  /** One reserved file in processed/ and one in failed/: the verdict goes to one of them. */
  reserves: string[];
  inflight: string;
}

export function pathsOf(
  layout: StateLayout,
  journal: Pick<Journal, 'projects_dir' | 'database' | 'request_id'>,
): Paths {
  return {
    dir: join(journal.projects_dir, journal.database),
    staging: join(journal.projects_dir, `.staging-${journal.database}`),
    previous: join(journal.projects_dir, `.previous-${journal.database}`),
    removed: join(journal.projects_dir, `.removed-${journal.database}`),
    reserves: [layout.processed, layout.failed].map((dir) => verdictReservePath(dir, journal.request_id)),
    inflight: layout.inflight,
  };
}

/** The new configuration a sync installs (absent for a removal, and in recovery). */
export interface NextConfig {
  /** The project folder's files. */
  files: Record<string, string>;
  /** What the orchestrator's prepare() made of the request. */
  prepared: Prepared;
}
