// The project folder of an orchestrated project (request.json, effective.json, project.json):
// the record status, the monitor and query read, laid out beside the old one and swapped in, so
// a roll-back can put the old one back.
import { join } from 'node:path';
import type { EffectiveConfig } from '../config/effective.js';
import { exists, move, removeTree, writeFileAtomic } from '../creator/files.js';
import {
  PROJECT_EFFECTIVE_FILE,
  PROJECT_REQUEST_FILE,
  PROJECT_STATE_FILE,
  type ProjectState,
} from '../creator/project-files.js';
import { projectDir, type StateLayout } from '../intake/layout.js';
import type { Request } from '../request/schema.js';

export function projectFolderFiles(
  request: Request,
  effective: EffectiveConfig,
  state: ProjectState,
): Record<string, string> {
  return {
    [PROJECT_REQUEST_FILE]: `${JSON.stringify(request, null, 2)}\n`,
    [PROJECT_EFFECTIVE_FILE]: `${JSON.stringify(effective, null, 2)}\n`,
    [PROJECT_STATE_FILE]: `${JSON.stringify(state, null, 2)}\n`,
  };
}

const staging = (layout: StateLayout, database: string): string => join(layout.projects, `.staging-${database}`);
const previous = (layout: StateLayout, database: string): string => join(layout.projects, `.previous-${database}`);

/** Writes the new folder beside the old one, then swaps it in; the old one stays as `.previous-`. */
export async function installFolder(
  layout: StateLayout,
  database: string,
  files: Record<string, string>,
): Promise<void> {
  const dir = projectDir(layout, database);
  await removeTree(staging(layout, database));
  for (const [name, text] of Object.entries(files)) {
    await writeFileAtomic(join(staging(layout, database), name), text, 0o640);
  }
  if (await exists(dir)) {
    await removeTree(previous(layout, database));
    await move(dir, previous(layout, database));
  }
  await move(staging(layout, database), dir);
}

/** Puts the old folder back (or none, when there was none). */
export async function restoreFolder(layout: StateLayout, database: string, hadFolder: boolean): Promise<void> {
  const dir = projectDir(layout, database);
  if (await exists(previous(layout, database))) {
    await removeTree(dir);
    await move(previous(layout, database), dir);
  } else if (!hadFolder) {
    await removeTree(dir);
  }
  await removeTree(staging(layout, database));
}

/** The change is filed: drops the old folder; a removed project's folder goes to the archive. */
export async function commitFolder(layout: StateLayout, database: string, removed: boolean): Promise<void> {
  const dir = projectDir(layout, database);
  if (removed && (await exists(dir))) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
    await move(dir, join(layout.archive, `${database}-${stamp}`));
  }
  await removeTree(previous(layout, database));
  await removeTree(staging(layout, database));
}
