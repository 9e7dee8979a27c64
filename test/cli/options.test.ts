// The command line as a newcomer meets it (the built dist/cli/main.js): --version, option values
// checked by commander before anything runs, one exit code for wrong usage, --json everywhere,
// and --help texts that promise what the commands do.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../support/cli.js';

// Nothing may be read or started before the values are checked: the directories do not exist.
const nowhere = ['--config-dir', '/nonexistent/dbp-config', '--state-dir', '/nonexistent/dbp-state'];

// Each test starts node a few times: seconds on a loaded machine.
describe('the command line', { timeout: 60_000 }, () => {
  it('--version and -V print the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(version);
    }
  });

  // Each: the arguments, the option named in the message, what the message says is expected.
  const bad: [string[], string, RegExp][] = [
    [
      ['query', 'x', '--monitory', 'm', '--format', 'bad'],
      "'--format <format>' argument 'bad'",
      /choices are table, csv, json/,
    ],
    [['query', 'x', '--monitory', 'm', '--last', '0'], "'--last <n>' argument '0'", /a whole number greater than 0/],
    [
      ['query', 'x', '--monitory', 'm', '--last', 'ten'],
      "'--last <n>' argument 'ten'",
      /a whole number greater than 0/,
    ],
    [['query', 'x', '--monitory', 'm', '--interval', '2.5'], "'--interval <seconds>' argument '2.5'", /whole number/],
    [['query', 'x', '--monitory', 'm', '--from', 'yesterday'], "'--from <time>' argument 'yesterday'", /ISO date/],
    [
      ['query', 'x', '--monitory', 'm', '--last', '3', '--to', '5'],
      "'--last <n>' cannot be used with option '--to",
      /./,
    ],
    [['query', 'x', '--monitory', 'm', '--json', '--csv'], "'--json' cannot be used with option '--csv'", /./],
    [['monitor', '--once', '--interval', '0'], "'--interval <seconds>' argument '0'", /seconds greater than 0/],
    [['monitor', '--once', '--retry-seconds', '-1'], "'--retry-seconds <seconds>' argument '-1'", /0 or more/],
    [['creator', '--parallel', '1.5'], "'--parallel <n>' argument '1.5'", /a whole number greater than 0/],
    [['creator', '--settle-seconds', ''], "'--settle-seconds <n>' argument ''", /seconds greater than 0/],
    [['submit', '--timeout', 'soon'], "'--timeout <seconds>' argument 'soon'", /seconds greater than 0/],
    [['remove', 'x', '--timeout', '0'], "'--timeout <seconds>' argument '0'", /seconds greater than 0/],
    [['logs', 'x', '--priority', 'loud'], "'-p, --priority <priority>' argument 'loud'", /choices are emerg, .*, 7/],
    [['logs', 'x', '-n', '-3'], "'-n, --lines <n>' argument '-3'", /a whole number, 0 or more/],
    [['status', '--jsn'], "unknown option '--jsn'", /./],
  ];
  for (const [args, named, expected] of bad) {
    it(`${args.join(' ')}: exit 2 (wrong usage), naming the option, the value and what is expected`, async () => {
      const result = await runCli([...nowhere, ...args]);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain(`error: ${named.startsWith('unknown') ? '' : 'option '}${named}`);
      expect(result.stderr.split('\n')[0]).toMatch(expected);
      expect(result.stdout).toBe('');
    });
  }

  it('every command with output for scripts spells it --json; query keeps --format as a hidden alias', async () => {
    const commands = ['status', 'submit', 'remove', 'query'];
    const helps = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    helps.forEach((help, i) => {
      expect(help.exitCode, commands[i]).toBe(0);
      expect(help.stdout, commands[i]).toMatch(/^ {2}--json +print /m);
    });
    const query = helps[3]!.stdout;
    expect(query).not.toContain('--format');
    expect(query).toMatch(/^ {2}--csv +print /m);
  });

  it('every --help promises exit 2 for wrong usage, as the commands do', async () => {
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/Exit codes: 0 success; 1 failure .*; 2 wrong usage/s);
    const commands = ['validate', 'submit', 'remove', 'sync', 'status', 'logs', 'query', 'creator', 'monitor'];
    const helps = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    helps.forEach((help, i) => {
      expect(help.stdout, commands[i]).toMatch(/Exit codes[^:]*:[^]*\b2 wrong usage/);
      // 78 means a request or configuration problem, never a bad option.
      expect(help.stdout, commands[i]).not.toMatch(/78 [^;.]*bad option/);
    });
  });
});
