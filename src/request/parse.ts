// Turns request text into a Request, or into one operator-facing line per problem.
import { RequestSchema, REQUEST_KEYS, type Request } from './schema.js';
import { closestKey } from './suggest.js';
import { describeValue } from './describe-value.js';
import { parseJsonText } from './json-text.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

const KNOWN: readonly string[] = REQUEST_KEYS;

export function parseRequestText(text: string): ParseResult<Request> {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, issues: [json.issue] };
  return parseRequestValue(json.value);
}

export function parseRequestValue(input: unknown): ParseResult<Request> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [`expected a JSON object with the keys ${KNOWN.join(', ')}, got ${describeValue(input)}`],
    };
  }
  const record = input as Record<string, unknown>;
  const issues = keyIssues(Object.keys(record));
  const known = Object.fromEntries(Object.entries(record).filter(([key]) => KNOWN.includes(key)));
  const disabled = new Set(
    Object.keys(record)
      .filter((key) => key.startsWith('_'))
      .map((key) => key.slice(1)),
  );
  const result = RequestSchema.safeParse(known);
  if (result.success && issues.length === 0) return { ok: true, value: result.data };
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const field = String(issue.path[0] ?? '');
      // A field only present as its disabled `_` form is already reported above.
      if (issue.path.length === 1 && record[field] === undefined && disabled.has(field)) continue;
      const given = valueAt(record, issue.path);
      issues.push(
        given === undefined
          ? `${path || '(request)'}: missing; expected ${issue.message}`
          : `${path || '(request)'}: got ${describeValue(given)}; expected ${issue.message}`,
      );
    }
  }
  return { ok: false, issues };
}

function keyIssues(keys: string[]): string[] {
  const issues: string[] = [];
  const disabled = keys.filter((key) => key.startsWith('_') && KNOWN.includes(key.slice(1)));
  const enabled = keys.filter((key) => KNOWN.includes(key));
  const untouched = disabled.length > 0 && enabled.length === 0;
  if (untouched) {
    issues.push('this is the untouched template: remove the leading "_" from every key and fill in the values');
  }
  for (const key of keys) {
    if (KNOWN.includes(key)) continue;
    if (disabled.includes(key)) {
      // The template line above already says it for every key.
      if (!untouched) issues.push(`${key}: disabled key; remove the leading "_" to use it as "${key.slice(1)}"`);
      continue;
    }
    const suggestion = closestKey(key, KNOWN);
    issues.push(
      suggestion
        ? `${key}: unknown key; did you mean "${suggestion}"?`
        : `${key}: unknown key; expected only ${KNOWN.join(', ')}`,
    );
  }
  return issues;
}

function valueAt(record: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let current: unknown = record;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
