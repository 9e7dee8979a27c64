// `db-proxy validate` run as operators run it (the built dist/cli/main.js): exit codes, summary line, one line per problem.
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
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

  it('refuses JSON nested 100,000 deep with exit 78 and the limit, not a crash', async () => {
    const depth = 100_000;
    const path = await requestFile('deep.json', `{"database": ${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const result = await runCli(['validate', path]);
    expect(result.exitCode).toBe(78);
    expect(problemLines(result.stderr)).toEqual([
      expect.stringMatching(/^JSON nested deeper than the limit of 32 levels \(at line 1, column 45\)/),
    ]);
    expect(result.stderr).not.toMatch(/bug|\n\s+at /);
  });

  it("refuses a database whose unit name would exceed systemd's 255 bytes, naming the field and the limit", async () => {
    // 1 + 60 "-": 61 characters, a safe identifier; escaped, db-proxy@a\x2d….service is 258 bytes.
    const database = `a${'-'.repeat(60)}`;
    const path = await requestFile('long-unit.json', JSON.stringify({ ...EXAMPLE_REQUEST, database }));
    const result = await runCli(['validate', path]);
    expect(result.exitCode).toBe(78);
    expect(problemLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^database: got "a-+" \(string\); expected a name whose unit name db-proxy@<escaped name>\.service is at most 255 bytes \(systemd's limit\); this one is 258 bytes/,
      ),
    ]);
  });

  it('checks the unit name with the configured unit_prefix when defaults.json is readable', async () => {
    // Fits under "db-proxy" (9 + 4 * 59 + 1 + 8 = 254 bytes), not under a longer prefix.
    const database = `a${'-'.repeat(58)}b`;
    const path = await requestFile('prefix-unit.json', JSON.stringify({ ...EXAMPLE_REQUEST, database }));
    expect((await runCli(['validate', path])).exitCode).toBe(0);
    const config = join(dir, 'config-prefix');
    await mkdir(config, { recursive: true });
    await writeFile(join(config, 'defaults.json'), JSON.stringify({ unit_prefix: 'db-proxy-staging' }));
    const result = await runCli(['--config-dir', config, 'validate', path]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/database: got "a-+b" \(string\); expected a name whose unit name db-proxy-staging@/);
  }, 30_000);

  it('refuses a request larger than 1 MiB by its size, and a FIFO without waiting on it', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, 200_000_000); // sparse: the size is what counts, it is never read
    const result = await runCli(['validate', big]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`it is 200000000 bytes; a request is at most 1 MiB (1048576 bytes)`);
    const fifo = join(dir, 'fifo.json');
    await execa('mkfifo', [fifo]);
    const piped = await runCli(['validate', fifo]);
    expect(piped.exitCode).toBe(78);
    expect(piped.stderr).toContain('not a regular file, expected a file');
  }, 30_000);

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
