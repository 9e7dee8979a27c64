// What an operator submits: a sync request (start or change a project) or, with
// `"action": "remove"`, the removal of a project. Both travel through the same drop folder.
import { z } from 'zod';
import { RequestInvalidError } from '../errors.js';
import { describeValue } from './describe-value.js';
import { parseJsonText } from './json-text.js';
import { parseRequestValue, type ParseResult } from './parse.js';
import { SafeIdentifierSchema, type Request } from './schema.js';
import { readRequestText, summarizeRequest } from './read.js';
import { unitNameIssue } from './unit-name.js';

export const REMOVE_ACTION = 'remove';

export const RemovalSchema = z.strictObject({
  action: z.literal(REMOVE_ACTION),
  database: SafeIdentifierSchema,
});

export type Removal = z.infer<typeof RemovalSchema>;

export type Submission = { action: 'sync'; request: Request } | { action: 'remove'; database: string };

const ACTION_EXPECTATION = `"remove" to stop and remove a project, or no "action" key to start or change one`;

export function parseSubmissionText(text: string): ParseResult<Submission> {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, issues: [json.issue] };
  return parseSubmissionValue(json.value);
}

export function parseSubmissionValue(input: unknown): ParseResult<Submission> {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('action' in input)) {
    const parsed = parseRequestValue(input);
    return parsed.ok ? { ok: true, value: { action: 'sync', request: parsed.value } } : parsed;
  }
  const record = input as Record<string, unknown>;
  if (record.action === 'sync') {
    const { action: _action, ...rest } = record;
    const parsed = parseRequestValue(rest);
    return parsed.ok ? { ok: true, value: { action: 'sync', request: parsed.value } } : parsed;
  }
  if (record.action !== REMOVE_ACTION) {
    return { ok: false, issues: [`action: got ${describeValue(record.action)}; expected ${ACTION_EXPECTATION}`] };
  }
  const issues: string[] = [];
  for (const key of Object.keys(record)) {
    if (key !== 'action' && key !== 'database') {
      issues.push(`${key}: not used by a removal; a removal holds only "action": "remove" and "database"`);
    }
  }
  const result = RemovalSchema.safeParse({ action: record.action, database: record.database });
  if (!result.success) {
    issues.push(
      record.database === undefined
        ? 'database: missing; expected the database of the project to remove'
        : `database: got ${describeValue(record.database)}; expected ${result.error.issues[0]?.message ?? 'a safe identifier'}`,
    );
  }
  if (issues.length > 0 || !result.success) return { ok: false, issues };
  return { ok: true, value: { action: 'remove', database: result.data.database } };
}

/** The removal request `db-proxy remove <database>` submits, as file text. */
export function removalText(database: string): string {
  return `${JSON.stringify({ action: REMOVE_ACTION, database }, null, 2)}\n`;
}

/**
 * Reads a submitted file; throws RequestInvalidError with every problem found. `unitPrefix`, the
 * configured one when it is known, is checked against systemd's unit-name limit too.
 */
export async function readSubmissionFile(
  path: string,
  unitPrefix?: string,
): Promise<{ submission: Submission; text: string }> {
  const text = await readRequestText(path);
  const result = parseSubmissionText(text);
  if (!result.ok) throw new RequestInvalidError(path, result.issues);
  if (result.value.action === 'sync' && unitPrefix !== undefined) {
    const issue = unitNameIssue(unitPrefix, result.value.request.database);
    if (issue) throw new RequestInvalidError(path, [issue]);
  }
  return { submission: result.value, text };
}

export function summarizeSubmission(submission: Submission): string {
  return submission.action === 'remove'
    ? `remove the project ${submission.database}`
    : summarizeRequest(submission.request);
}

/** The database a submission is about. */
export function submissionDatabase(submission: Submission): string {
  return submission.action === 'remove' ? submission.database : submission.request.database;
}
