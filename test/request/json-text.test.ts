// parseJsonText: the nesting limit (checked before JSON.parse, without recursion) and the
// "incomplete" flag the drop folder's watcher uses to tell a file still being written.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonText } from '../../src/request/json-text.js';

describe('parseJsonText', () => {
  it('refuses nesting deeper than the limit, naming it and where, for 100,000 levels too', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = parseJsonText(deep);
    expect(result).toEqual({
      ok: false,
      incomplete: false,
      issue: `JSON nested deeper than the limit of ${MAX_JSON_DEPTH} levels (at line 1, column ${MAX_JSON_DEPTH + 1}); a request is an object of plain values and one list`,
    });
  });

  it('accepts nesting up to the limit, and brackets inside strings do not count', () => {
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonText(atLimit).ok).toBe(true);
    expect(parseJsonText(JSON.stringify({ a: '['.repeat(1000), b: '\\"[[[' })).ok).toBe(true);
    expect(parseJsonText(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`).ok).toBe(false);
  });

  it.each([
    ['empty', '', true],
    ['cut off in a key', '{"database": "x", "serv', true],
    ['cut off after a value', '{\n  "sleep_time": 5,\n', true],
    ['a wrong token', '{"a": 1 "b": 2}', false],
    ['text after the value', '{"a": 1} x', false],
  ])('flags text that ends too soon as incomplete: %s → %s', (_what, text, incomplete) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.incomplete).toBe(incomplete);
  });
});
