// Writes and reads the monitor's status snapshot: replaced whole at each check (temp file,
// flush, rename, folder flushed), so `status` reads the previous check or this one, never half.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../creator/files.js';
import { STATUS_SNAPSHOT_FILE, parseSnapshot, type SnapshotParse, type StatusSnapshot } from './snapshot.js';

export function snapshotPath(stateDir: string): string {
  return join(stateDir, STATUS_SNAPSHOT_FILE);
}

/** 0640: the folder's group (db-proxy-operators, by its setgid bit) reads it; others do not. */
export async function writeStatusSnapshot(stateDir: string, snapshot: StatusSnapshot): Promise<void> {
  await writeFileAtomic(snapshotPath(stateDir), `${JSON.stringify(snapshot, null, 2)}\n`, 0o640);
}

export async function readStatusSnapshot(stateDir: string): Promise<SnapshotParse> {
  const path = snapshotPath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, reason: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  const parsed = parseSnapshot(text);
  return parsed.ok ? parsed : { ok: false, reason: `${path} is ${parsed.reason}` };
}
