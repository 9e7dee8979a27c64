// The state folder's layout, shared by submit (which drops requests and reads verdicts) and the
// creator (which owns everything else).
import { join } from 'node:path';

export interface StateLayout {
  root: string;
  /** The drop folder: operators of the group write requests here. */
  requests: string;
  /** Handled requests with their verdicts: accepted ones … */
  processed: string;
  /** … and refused or failed ones. */
  failed: string;
  /** One folder per running project. */
  projects: string;
  /** Folders of removed projects. */
  archive: string;
  /** The creator's journal of requests under way, for roll-back after a crash. */
  inflight: string;
  /** Markers of requests being handled, to quarantine one that keeps killing the creator. */
  attempts: string;
}

export function stateLayout(stateDir: string, projectsDir?: string): StateLayout {
  return {
    root: stateDir,
    requests: join(stateDir, 'requests'),
    processed: join(stateDir, 'processed'),
    failed: join(stateDir, 'failed'),
    projects: projectsDir ?? join(stateDir, 'projects'),
    archive: join(stateDir, 'archive'),
    inflight: join(stateDir, 'inflight'),
    attempts: join(stateDir, 'attempts'),
  };
}

/** The project folder of a database (names are safe identifiers, so they are safe path segments). */
export function projectDir(layout: StateLayout, database: string): string {
  return join(layout.projects, database);
}

export const REQUEST_SUFFIX = '.json';
export const VERDICT_SUFFIX = '.verdict.json';

/**
 * Whether a name in the drop folder is a request to handle: `*.json`, not a verdict, not hidden
 * (temp files of submit and editors), not an editor's backup or swap file.
 */
export function isRequestFileName(name: string): boolean {
  return (
    name.endsWith(REQUEST_SUFFIX) &&
    !name.endsWith(VERDICT_SUFFIX) &&
    !name.startsWith('.') &&
    !name.startsWith('#') &&
    !/[~#]$/.test(name) &&
    name.length > REQUEST_SUFFIX.length
  );
}

/** The request id of a file in the drop folder: its name without `.json`. */
export function requestIdOf(name: string): string {
  return name.slice(0, -REQUEST_SUFFIX.length);
}
