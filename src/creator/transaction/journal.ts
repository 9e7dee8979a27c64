// The journal of a request under way (<state>/inflight/<database>.json): which orchestrator, what
// existed before and which steps were planned, written durably before anything changes, so a
// roll-back after a failure or a crash puts exactly that back. An unreadable journal is
// quarantined, never fatal; one of the previous version (systemd only) is read as this one.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isSafeIdentifier } from '../../request/identifiers.js';
import type { FilePort } from '../files.js';
import { STEP_KINDS, type StepKind } from './decide.js';

export const JournalSchema = z.object({
  version: z.literal(3),
  orchestrator: z.enum(['systemd', 'kubernetes']),
  request_id: z.string(),
  request_file: z.string(),
  action: z.enum(['sync', 'start', 'record', 'remove']),
  database: z.string().refine(isSafeIdentifier),
  /** The worker as the verdict names it. */
  worker: z.string().min(1),
  projects_dir: z.string().min(1),
  had_folder: z.boolean(),
  /** The orchestrator's previous state, read with its adapter's schema. */
  previous: z.unknown(),
  steps: z.array(z.enum(STEP_KINDS)),
  started_at: z.string(),
});

/** What the creator is in the middle of, written before it changes anything. */
export type Journal = z.infer<typeof JournalSchema>;

/** The journal of the creator before the orchestrator port: systemd's own steps. */
const V2Schema = z.object({
  version: z.literal(2),
  request_id: z.string(),
  request_file: z.string(),
  action: z.enum(['sync', 'remove', 'start']),
  database: z.string().refine(isSafeIdentifier),
  unit: z.string().min(1),
  unit_dir: z.string().min(1),
  projects_dir: z.string().min(1),
  previous: z.object({
    had_project: z.boolean(),
    drop_in: z.string().nullable(),
    enabled: z.boolean(),
    active: z.boolean(),
    invocation: z.string(),
  }),
  steps: z.array(z.string()),
  started_at: z.string(),
});

/** Its steps as this version's: the unit's own steps are the orchestrator's activate or deactivate. */
const V2_STEPS: Record<string, StepKind> = {
  'reserve-verdict': 'reserve-verdict',
  'hold-unit': 'hold',
  'stage-folder': 'stage-folder',
  'swap-folder': 'swap-folder',
  'write-drop-in': 'activate',
  enable: 'activate',
  start: 'activate',
  restart: 'activate',
  'await-ready': 'await-ready',
  'disable-stop': 'deactivate',
  'remove-drop-in': 'deactivate',
  'daemon-reload': 'hold',
  'retire-folder': 'retire-folder',
};

function fromV2(v2: z.infer<typeof V2Schema>): Journal {
  const steps = [...new Set(v2.steps.map((step) => V2_STEPS[step]).filter((step) => step !== undefined))];
  const { had_project, ...previous } = v2.previous;
  return {
    version: 3,
    orchestrator: 'systemd',
    request_id: v2.request_id,
    request_file: v2.request_file,
    action: v2.action,
    database: v2.database,
    worker: v2.unit,
    projects_dir: v2.projects_dir,
    had_folder: had_project,
    previous: { unit: v2.unit, ...previous },
    steps: STEP_KINDS.filter((kind) => steps.includes(kind)),
    started_at: v2.started_at,
  };
}

export function journalPath(inflight: string, database: string): string {
  return join(inflight, `${database}.json`);
}

export async function writeJournal(files: FilePort, inflight: string, journal: Journal): Promise<void> {
  await files.writeFileAtomic(journalPath(inflight, journal.database), `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}

export type JournalEntry =
  { ok: true; path: string; journal: Journal } | { ok: false; path: string; name: string; problem: string };

function issueOf(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || 'top level'}: ${first.message}` : 'invalid';
}

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
    const old = parsed.success ? undefined : V2Schema.safeParse(value);
    if (parsed.success) entries.push({ ok: true, path, journal: parsed.data });
    else if (old?.success) entries.push({ ok: true, path, journal: fromV2(old.data) });
    else entries.push({ ok: false, path, name, problem: `not a journal of this version (${issueOf(parsed.error)})` });
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
