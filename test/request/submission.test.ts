// Submissions: a sync request as before, or a removal with "action": "remove".
import { describe, expect, it } from 'vitest';
import { parseSubmissionText, parseSubmissionValue, removalText } from '../../src/request/submission.js';
import { EXAMPLE_REQUEST, renderTemplate } from '../../src/request/template.js';

describe('parseSubmissionValue', () => {
  it('takes a request without "action" as a sync request', () => {
    expect(parseSubmissionValue(EXAMPLE_REQUEST)).toEqual({
      ok: true,
      value: { action: 'sync', request: EXAMPLE_REQUEST },
    });
  });

  it('accepts an explicit "action": "sync"', () => {
    expect(parseSubmissionValue({ ...EXAMPLE_REQUEST, action: 'sync' })).toEqual({
      ok: true,
      value: { action: 'sync', request: EXAMPLE_REQUEST },
    });
  });

  it('takes a removal with only the database', () => {
    expect(parseSubmissionText(removalText('TOR-BGO-150KingW'))).toEqual({
      ok: true,
      value: { action: 'remove', database: 'TOR-BGO-150KingW' },
    });
  });

  it.each([
    [{ action: 'remove' }, 'database: missing; expected the database of the project to remove'],
    [{ action: 'remove', database: '../etc' }, 'database: got "../etc" (string); expected a safe identifier'],
    [{ action: 'remove', database: 'x', sleep_time: 5 }, 'sleep_time: not used by a removal'],
    [{ action: 'delete', database: 'x' }, 'action: got "delete" (string); expected "remove"'],
    [{ action: 1, database: 'x' }, 'action: got 1 (number)'],
  ])('refuses %j', (input, message) => {
    const result = parseSubmissionValue(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.join('\n')).toContain(message);
  });

  it('still reports the untouched template and every field problem of a sync request', () => {
    const template = parseSubmissionText(renderTemplate());
    expect(template.ok).toBe(false);
    if (!template.ok) expect(template.issues[0]).toContain('untouched template');
    const bad = parseSubmissionValue({ ...EXAMPLE_REQUEST, action: 'sync', sleep_time: 0 });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues).toEqual(['sleep_time: got 0 (number); expected a number of seconds greater than 0']);
  });
});
