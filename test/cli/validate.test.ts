// `db-proxy validate` run as operators run it (the built dist/cli/main.js): exit codes, summary line, one line per problem.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { runCli } from '../support/cli.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';

let dir: string;
// dist/ is current: the global setup (test/support/build.ts) built it before this file runs.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function requestFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** stderr lines after the heading, i.e. one per problem. */
function problemLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

describe('db-proxy validate', () => {
  it('accepts a good request: exit 0 and one summary line starting "ok:"', async () => {
    const path = await requestFile('good.json', `${JSON.stringify(EXAMPLE_REQUEST, null, 2)}\n`);
    const result = await runCli(['validate', path]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'ok: TOR-BGO-150KingW on mysql.example.internal: TL_measures for Extraction_1_dev_a, Extraction_2_dev_a, ' +
        'from wave 1617753611, keeping 7 day(s), every 5 s',
    ]);
  });

  it('rejects a bad request with exit 78 and one line per problem', async () => {
    const path = await requestFile(
      'bad.json',
      JSON.stringify({ ...EXAMPLE_REQUEST, sleep_time: '5', database: 'a/b', server: 'h:0', sleeptime: 5 }),
    );
    const result = await runCli(['validate', path]);
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`db-proxy: ${path}: 4 problem(s):`);
    const lines = problemLines(result.stderr);
    expect(lines).toHaveLength(4);
    expect(lines).toContain('sleeptime: unknown key; did you mean "sleep_time"?');
    expect(lines).toContain('sleep_time: got "5" (string); expected a number of seconds greater than 0');
    expect(lines).toContainEqual(expect.stringMatching(/^database: got "a\/b" \(string\); expected a safe identifier/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^server: got "h:0" \(string\); expected "host" or "host:port"/),
    );
  });

  it('reports malformed JSON with its line and column', async () => {
    const path = await requestFile('malformed.json', '{\n  "sleep_time": 5\n  "server": "h"\n}\n');
    const result = await runCli(['validate', path]);
    expect(result.exitCode).toBe(78);
    expect(problemLines(result.stderr)).toEqual([
      "malformed JSON at line 3, column 3: Expected ',' or '}' after property value",
    ]);
  });

  it('checks requests/request.json by default, and rejects the untouched template', async () => {
    const result = await runCli(['validate']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr.split('\n')[0]).toBe('db-proxy: requests/request.json: 1 problem(s):');
    expect(problemLines(result.stderr)).toEqual([
      'this is the untouched template: remove the leading "_" from every key and fill in the values',
    ]);
  });

  it('says clearly that the file does not exist', async () => {
    const path = join(dir, 'absent.json');
    const result = await runCli(['validate', path]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(`db-proxy: cannot read the request file ${path}: no such file (ENOENT)`);
  });

  it('prints its help with exit 0', async () => {
    const result = await runCli(['validate', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: db-proxy validate [options] [file]');
    expect(result.stdout).toContain('one line per problem');
  });

  it('refuses an unknown option as a usage error (exit 2)', async () => {
    const result = await runCli(['validate', '--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
