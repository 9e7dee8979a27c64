// The ports a transaction works through, and where its files are: the project folder, its
// staging and previous copies, the drop-in, and the space reserved for the verdict.
import { join } from 'node:path';
import type { StateLayout } from '../../intake/layout.js';
import { verdictReservePath } from '../../intake/verdict.js';
import type { Logger } from '../../logging/logger.js';
import type { Systemctl } from '../../systemd/systemctl.js';
import type { FilePort } from '../files.js';
import { DROP_IN_FILE } from '../project-files.js';
import type { UnitStates } from '../unit-states.js';
import type { Journal } from './journal.js';

export interface Host {
  files: FilePort;
  systemctl: Systemctl;
  /** daemon-reload, shared by requests handled at the same time. */
  reload: () => Promise<void>;
  units: UnitStates;
  /** How long a started worker that says it waits for its databases has to report READY. */
  settleMs: number;
  /** How long a worker that has said nothing yet (still booting, on a loaded host) is waited for. */
  bootMs: number;
  logger: Logger;
}

/** Bytes reserved for a verdict before anything changes (a verdict is a few KiB at most). */
export const VERDICT_RESERVE_BYTES = 64 * 1024;

export interface Paths {
  dir: string;
  staging: string;
  previous: string;
  /** A removed project's folder, until the verdict is on disk and it moves to archive/. */
  removed: string;
  dropInDir: string;
  dropIn: string;
  /** One reserved file in processed/ and one in failed/: the verdict goes to one of them. */
  reserves: string[];
  inflight: string;
}

export function pathsOf(layout: StateLayout, journal: Journal): Paths {
  const dropInDir = join(journal.unit_dir, `${journal.unit}.d`);
  return {
    dir: join(journal.projects_dir, journal.database),
    staging: join(journal.projects_dir, `.staging-${journal.database}`),
    previous: join(journal.projects_dir, `.previous-${journal.database}`),
    removed: join(journal.projects_dir, `.removed-${journal.database}`),
    dropInDir,
    dropIn: join(dropInDir, DROP_IN_FILE),
    reserves: [layout.processed, layout.failed].map((dir) => verdictReservePath(dir, journal.request_id)),
    inflight: layout.inflight,
  };
}

/** The new configuration a sync installs (absent for a start or a removal). */
export interface NextConfig {
  files: Record<string, string>;
  dropIn: string;
}
