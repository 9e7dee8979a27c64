// parseRequestText/parseRequestValue: good requests pass; every rejection rule gives one line naming field, value and expectation.
import { describe, it, expect } from 'vitest';
import { parseRequestText, parseRequestValue } from '../../src/request/parse.js';
import { MAX_MONITORY_NAMES } from '../../src/request/schema.js';
import { EXAMPLE_REQUEST, renderTemplate } from '../../src/request/template.js';

/** The request of the spec, as an operator would write it. */
const SPEC_EXAMPLE = `{
  "wave_counter_threshold": 1617753611,
  "delete_old_value": 7,
  "monitory_name_kept": ["Extraction_1_dev_a", "Extraction_2_dev_a"],
  "measures": "TL_measures",
  "database": "TOR-BGO-150KingW",
  "server": "mysql.example.internal",
  "sleep_time": 5
}
`;

function issuesFor(changes: Record<string, unknown>): string[] {
  const result = parseRequestValue({ ...EXAMPLE_REQUEST, ...changes });
  if (result.ok) throw new Error(`expected ${JSON.stringify(changes)} to be rejected`);
  return result.issues;
}

function accepts(changes: Record<string, unknown>): boolean {
  return parseRequestValue({ ...EXAMPLE_REQUEST, ...changes }).ok;
}

/** Exactly one issue, of the form `field: got <value> (<type>); expected <expectation>`. */
function expectSingleIssue(
  changes: Record<string, unknown>,
  field: string,
  given: string,
  expectation: string,
): string {
  const issues = issuesFor(changes);
  expect(issues).toHaveLength(1);
  const [issue = ''] = issues;
  expect(issue.startsWith(`${field}: got ${given}; expected `), issue).toBe(true);
  expect(issue).toContain(expectation);
  return issue;
}

describe('good requests', () => {
  it('accepts the example request and returns it unchanged', () => {
    expect(parseRequestValue(EXAMPLE_REQUEST)).toEqual({ ok: true, value: EXAMPLE_REQUEST });
  });

  it('accepts the example of the spec, as text', () => {
    const result = parseRequestText(SPEC_EXAMPLE);
    expect(result).toEqual({ ok: true, value: EXAMPLE_REQUEST });
  });

  it('accepts a threshold of 0 and fractional days and seconds', () => {
    expect(accepts({ wave_counter_threshold: 0, delete_old_value: 0.5, sleep_time: 0.25 })).toBe(true);
  });

  it('accepts "TOR-BGO-150KingW" and single inner dots as names', () => {
    expect(accepts({ database: 'TOR-BGO-150KingW', measures: 'hs_measures', monitory_name_kept: ['pkg.v2'] })).toBe(
      true,
    );
  });
});

describe('types are not coerced', () => {
  it('rejects "5" for sleep_time instead of reading it as 5', () => {
    expectSingleIssue({ sleep_time: '5' }, 'sleep_time', '"5" (string)', 'a number of seconds greater than 0');
  });

  it('rejects a string threshold, a number database and a string list', () => {
    expectSingleIssue(
      { wave_counter_threshold: '1617753611' },
      'wave_counter_threshold',
      '"1617753611" (string)',
      'unix seconds',
    );
    expectSingleIssue({ database: 5 }, 'database', '5 (number)', 'a safe identifier');
    expectSingleIssue(
      { monitory_name_kept: 'Extraction_1_dev_a' },
      'monitory_name_kept',
      '"Extraction_1_dev_a" (string)',
      'a list of extraction package names',
    );
    expectSingleIssue({ server: true }, 'server', 'true (boolean)', '"host" or "host:port"');
  });

  it('names a null value', () => {
    expectSingleIssue({ delete_old_value: null }, 'delete_old_value', 'null', 'a number of days greater than 0');
  });

  it('reports a missing field as missing', () => {
    const { sleep_time: _omitted, ...rest } = EXAMPLE_REQUEST;
    const result = parseRequestValue(rest);
    expect(result).toEqual({ ok: false, issues: ['sleep_time: missing; expected a number of seconds greater than 0'] });
  });
});

describe('numbers out of range', () => {
  it.each([0, -5])('rejects sleep_time %d', (value) => {
    expectSingleIssue({ sleep_time: value }, 'sleep_time', `${value} (number)`, 'a number of seconds greater than 0');
  });

  it.each([0, -1])('rejects delete_old_value %d', (value) => {
    expectSingleIssue(
      { delete_old_value: value },
      'delete_old_value',
      `${value} (number)`,
      'a number of days greater than 0',
    );
  });

  it.each([1.5, -1, 1617753611000])('rejects the threshold %d with the milliseconds hint', (value) => {
    expectSingleIssue(
      { wave_counter_threshold: value },
      'wave_counter_threshold',
      `${value} (number)`,
      'a whole number of unix seconds, 0 or more (not milliseconds)',
    );
  });

  it('tells to divide a threshold in milliseconds by 1000', () => {
    const issue = expectSingleIssue(
      { wave_counter_threshold: 1617753611000 },
      'wave_counter_threshold',
      '1617753611000 (number)',
      'looks like milliseconds',
    );
    expect(issue).toContain('divide by 1000');
  });
});

describe('monitory_name_kept', () => {
  it('rejects an empty list', () => {
    expectSingleIssue(
      { monitory_name_kept: [] },
      'monitory_name_kept',
      '[] (array)',
      'at least one extraction package name',
    );
  });

  it('rejects repeated names', () => {
    expectSingleIssue(
      { monitory_name_kept: ['A', 'B', 'A'] },
      'monitory_name_kept',
      '["A","B","A"] (array)',
      'a list without repeated names',
    );
  });

  it('rejects more names than a building has packages, naming the limit', () => {
    const names = Array.from({ length: MAX_MONITORY_NAMES + 1 }, (_, i) => `pkg_${i}`);
    const issues = issuesFor({ monitory_name_kept: names });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^monitory_name_kept: got .*; expected at most 200 extraction package names$/);
    expect(accepts({ monitory_name_kept: names.slice(0, MAX_MONITORY_NAMES) })).toBe(true);
  });

  it('names the position of an unsafe element', () => {
    expectSingleIssue(
      { monitory_name_kept: ['ok_name', 'a/b'] },
      'monitory_name_kept.1',
      '"a/b" (string)',
      'a safe identifier',
    );
  });
});

describe('names must be safe identifiers', () => {
  const unsafe = [
    'a/b',
    'a\\b',
    '..',
    'a..b',
    'x;y',
    'a`b',
    "a'b",
    'a"b',
    'a\u0001b',
    'a b',
    '',
    '-lead',
    'trail.',
    'x'.repeat(65),
  ];

  for (const field of ['database', 'measures'] as const) {
    it.each(unsafe)(`rejects ${field} %j`, (value) => {
      expectSingleIssue(
        { [field]: value },
        field,
        `${JSON.stringify(value).slice(0, 77)}${value.length > 78 ? '...' : ''} (string)`,
        'a safe identifier',
      );
    });
  }

  it.each(unsafe)('rejects the monitory name %j', (value) => {
    expectSingleIssue(
      { monitory_name_kept: [value] },
      'monitory_name_kept.0',
      `${JSON.stringify(value).slice(0, 77)}${value.length > 78 ? '...' : ''} (string)`,
      'a safe identifier',
    );
  });

  it('shows a control character escaped, so the issue stays one printable line', () => {
    const issue = expectSingleIssue({ database: 'a\u0001b' }, 'database', '"a\\u0001b" (string)', 'control characters');
    expect(issue).not.toContain('\u0001');
  });

  it('accepts a 64-character name', () => {
    expect(accepts({ database: 'x'.repeat(64) })).toBe(true);
  });
});

describe('server', () => {
  it.each(['h', 'h:3306', '10.0.0.1:1', 'mysql.example.internal:65535', 'db-1.internal'])('accepts %j', (server) => {
    expect(accepts({ server })).toBe(true);
  });

  it.each(['h:0', 'h:65536', 'h:', ':3306', 'h:p', 'a b', 'http://h', '', '999.1.1.1', 'h;rm', '-h'])(
    'rejects %j',
    (server) => {
      expectSingleIssue(
        { server },
        'server',
        `${JSON.stringify(server)} (string)`,
        '"host" or "host:port": a host name or IPv4 address, optional port 1-65535',
      );
    },
  );
});

describe('keys', () => {
  it('suggests "sleep_time" for the unknown key "sleeptime"', () => {
    const { sleep_time, ...rest } = EXAMPLE_REQUEST;
    const result = parseRequestValue({ ...rest, sleeptime: sleep_time });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContain('sleeptime: unknown key; did you mean "sleep_time"?');
  });

  it('lists the known keys when nothing is close', () => {
    const issues = issuesFor({ colour: 'blue' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^colour: unknown key; expected only wave_counter_threshold, .*sleep_time$/);
  });

  it('rejects the untouched template with one line saying to remove the "_"', () => {
    const result = parseRequestText(renderTemplate());
    expect(result).toEqual({
      ok: false,
      issues: ['this is the untouched template: remove the leading "_" from every key and fill in the values'],
    });
  });

  it('names a key left disabled in a filled-in request, without also calling it missing', () => {
    const { server, ...rest } = EXAMPLE_REQUEST;
    const result = parseRequestValue({ ...rest, _server: server });
    expect(result).toEqual({
      ok: false,
      issues: ['_server: disabled key; remove the leading "_" to use it as "server"'],
    });
  });

  it('rejects JSON that is not an object', () => {
    const result = parseRequestText('[1, 2]');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatch(
      /^expected a JSON object with the keys wave_counter_threshold, .*, got \[1,2\] \(array\)$/,
    );
  });
});

describe('several problems', () => {
  it('gives one single-line issue per problem', () => {
    const issues = issuesFor({ sleep_time: 0, database: 'a/b', server: 'h:0', sleeptime: 5 });
    expect(issues).toHaveLength(4);
    for (const issue of issues) expect(issue).not.toContain('\n');
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'database',
      'server',
      'sleep_time',
      'sleeptime',
    ]);
  });
});

describe('malformed JSON', () => {
  function jsonIssue(text: string): string {
    const result = parseRequestText(text);
    if (result.ok) throw new Error('expected malformed JSON to be rejected');
    expect(result.issues).toHaveLength(1);
    return result.issues[0] ?? '';
  }

  it('reports line and column of a missing comma', () => {
    const text = SPEC_EXAMPLE.replace('"delete_old_value": 7,', '"delete_old_value": 7');
    expect(jsonIssue(text)).toBe("malformed JSON at line 4, column 3: Expected ',' or '}' after property value");
  });

  it('reports line and column of a trailing comma', () => {
    const text = SPEC_EXAMPLE.replace('"sleep_time": 5', '"sleep_time": 5,');
    expect(jsonIssue(text)).toBe('malformed JSON at line 9, column 1: Expected double-quoted property name');
  });

  it('reports line and column of an unexpected token, which V8 reports without a position', () => {
    const text = SPEC_EXAMPLE.replace('"sleep_time": 5', `"sleep_time": '5'`);
    expect(jsonIssue(text)).toBe(`malformed JSON at line 8, column 17: Unexpected token "'"`);
  });

  it('keeps the issue on one line when the unexpected character is a newline', () => {
    const text = SPEC_EXAMPLE.replace('"sleep_time": 5', '"sleep_time": tru');
    expect(jsonIssue(text)).toBe('malformed JSON at line 8, column 20: Unexpected token "\\n"');
  });

  it('counts lines the same with CRLF line ends', () => {
    const text = SPEC_EXAMPLE.replace('"delete_old_value": 7,', '"delete_old_value": 7').replace(/\n/g, '\r\n');
    expect(jsonIssue(text)).toMatch(/^malformed JSON at line 4, column 3: /);
  });

  it('reports the end of a truncated text', () => {
    expect(jsonIssue('{\n  "sleep_time": 5,\n  "server":')).toBe(
      'malformed JSON at line 3, column 12: Unexpected end of JSON input',
    );
  });

  it('takes a file that starts with a UTF-8 byte-order mark, and counts columns without it', () => {
    expect(parseRequestText(`\uFEFF${SPEC_EXAMPLE}`).ok).toBe(true);
    const text = `\uFEFF${SPEC_EXAMPLE.replace('"delete_old_value": 7,', '"delete_old_value": 7')}`;
    expect(jsonIssue(text)).toBe("malformed JSON at line 4, column 3: Expected ',' or '}' after property value");
  });

  it('reports an empty file', () => {
    expect(jsonIssue('')).toBe('malformed JSON at line 1, column 1: Unexpected end of JSON input');
  });
});
