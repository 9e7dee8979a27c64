// The journal of a request under way (<state>/inflight/<database>.json): what existed before and
// which steps were planned, written durably before anything changes, so a roll-back after a
// failure or a crash puts exactly that back. An unreadable journal is quarantined, never fatal.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isSafeIdentifier } from '../../request/identifiers.js';
import type { FilePort } from '../files.js';
import { STEP_KINDS } from './decide.js';

/** What the project looked like before the request: the roll-back target. */
export const PreviousSchema = z.object({
  had_project: z.boolean(),
  drop_in: z.string().nullable(),
  enabled: z.boolean(),
  active: z.boolean(),
  /** The invocation that ran before: a unit still running it was never touched and is left alone. */
  invocation: z.string(),
});
export type Previous = z.infer<typeof PreviousSchema>;

export const JournalSchema = z.object({
  version: z.literal(2),
  request_id: z.string(),
  request_file: z.string(),
  action: z.enum(['sync', 'remove', 'start']),
  database: z.string().refine(isSafeIdentifier),
  unit: z.string().min(1),
  unit_dir: z.string().min(1),
  projects_dir: z.string().min(1),
  previous: PreviousSchema,
  steps: z.array(z.enum(STEP_KINDS)),
  started_at: z.string(),
});

/** What the creator is in the middle of, written before it changes anything. */
export type Journal = z.infer<typeof JournalSchema>;

export function journalPath(inflight: string, database: string): string {
  return join(inflight, `${database}.json`);
}

export async function writeJournal(files: FilePort, inflight: string, journal: Journal): Promise<void> {
  await files.writeFileAtomic(journalPath(inflight, journal.database), `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}

export type JournalEntry =
  { ok: true; path: string; journal: Journal } | { ok: false; path: string; name: string; problem: string };

/** Every journal in inflight/, parsed; a truncated or invalid one is reported, not thrown. */
export async function readJournals(files: FilePort, inflight: string): Promise<JournalEntry[]> {
  let names: string[];
  try {
    names = (await readdir(inflight)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: JournalEntry[] = [];
  for (const name of names) {
    const path = join(inflight, name);
    const text = (await files.readTextIfExists(path)) ?? '';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      entries.push({ ok: false, path, name, problem: `not JSON (${(error as Error).message}, ${text.length} bytes)` });
      continue;
    }
    const parsed = JournalSchema.safeParse(value);
    if (parsed.success) entries.push({ ok: true, path, journal: parsed.data });
    else {
      const first = parsed.error.issues[0];
      entries.push({
        ok: false,
        path,
        name,
        problem: `not a journal of this version (${first ? `${first.path.join('.') || 'top level'}: ${first.message}` : 'invalid'})`,
      });
    }
  }
  return entries;
}

/** Moves an unreadable journal aside (kept for the operator), so the next start does not trip on it. */
export async function quarantineJournal(files: FilePort, path: string, now: Date = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const target = `${path}.unreadable-${stamp}`;
  await files.move(path, target);
  return target;
}
