// `db-proxy submit` and `db-proxy remove` as operators run them (the built CLI): the drop folder
// protocol, the reset to the template, and the exit code of each verdict. The creator's side of
// the protocol is played here by writing verdict files; the creator itself runs in test/e2e.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVerdict, writeVerdict, type Outcome } from '../../src/intake/verdict.js';
import { EXAMPLE_REQUEST, renderTemplate } from '../../src/request/template.js';
import { runCli, spawnCli } from '../support/cli.js';

let root: string;
let state: string;
let config: string;
let work: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dbp-submit-'));
  state = join(root, 'state');
  config = join(root, 'config');
  work = join(root, 'work');
  for (const dir of ['requests', 'processed', 'failed']) await mkdir(join(state, dir), { recursive: true });
  await mkdir(config);
  await mkdir(join(work, 'requests'), { recursive: true });
  await writeFile(join(work, 'requests', 'request.json'), JSON.stringify(EXAMPLE_REQUEST));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--config-dir', config, '--state-dir', state, ...args]);

async function dropped(): Promise<string[]> {
  return readdir(join(state, 'requests'));
}

/** Plays the creator: waits for one request, answers with a verdict. */
async function answer(outcome: Outcome, reasons: string[] = []): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const names = (await dropped()).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
    if (names[0]) {
      const id = names[0].slice(0, -'.json'.length);
      const verdict = makeVerdict({
        request_id: id,
        database: 'TOR-BGO-150KingW',
        unit: 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service',
        action: 'sync',
        outcome,
        reasons,
        unit_state: outcome === 'started' ? 'active' : null,
        unit_status: null,
        duration_ms: 5,
      });
      const ok = verdict.accepted;
      await writeVerdict(join(state, ok ? 'processed' : 'failed'), verdict);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no request was dropped');
}

describe('db-proxy submit', () => {
  it('--no-wait: drops the request atomically (0640), prints the id, keeps the file (no verdict to wait for)', async () => {
    const file = join(work, 'requests', 'request.json');
    const text = await readFile(file, 'utf8');
    const result = await cli(['submit', file, '--no-wait']);
    expect(result.exitCode, result.stderr).toBe(0);
    const names = await dropped();
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\d{8}T\d{9}Z-TOR-BGO-150KingW-[0-9a-f]{6}\.json$/);
    expect(result.stdout).toBe(`queued: ${names[0]!.slice(0, -5)}`);
    expect(await readFile(join(state, 'requests', names[0]!), 'utf8')).toBe(text);
    expect((await stat(join(state, 'requests', names[0]!))).mode & 0o777).toBe(0o640);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(result.stderr).toContain('was kept as it is: with --no-wait there is no verdict');
  });

  it('refuses an invalid request like validate (exit 78): nothing dropped, the file kept', async () => {
    const file = join(work, 'requests', 'request.json');
    await writeFile(file, JSON.stringify({ ...EXAMPLE_REQUEST, sleep_time: 0 }));
    const result = await cli(['submit', file]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain('sleep_time: got 0 (number); expected a number of seconds greater than 0');
    expect(await dropped()).toEqual([]);
    expect(await readFile(file, 'utf8')).toContain('"sleep_time":0');
  });

  it.each([
    ['started', 0, /^accepted: TOR-BGO-150KingW started as db-proxy@TOR\\x2dBGO\\x2d150KingW.service \(active\)/],
    ['unchanged', 0, /^accepted: TOR-BGO-150KingW unchanged/],
    ['rejected', 78, /^rejected: TOR-BGO-150KingW: the request was refused\n {2}server: not allowed/],
    ['failed', 1, /^failed: TOR-BGO-150KingW: the change could not be applied and was rolled back/],
  ] as const)('waits for the verdict and prints it: %s → exit %d', async (outcome, code, output) => {
    const file = join(work, 'requests', 'request.json');
    const running = cli(['submit', file, '--timeout', '20']);
    await answer(outcome, outcome === 'rejected' ? ['server: not allowed'] : []);
    const result = await running;
    expect(result.stdout).toMatch(output);
    expect(result.exitCode).toBe(code);
  });

  it.each(['started', 'unchanged'] as const)(
    'resets request.json to the template after an accepted verdict (%s)',
    async (outcome) => {
      const file = join(work, 'requests', 'request.json');
      const running = cli(['submit', file, '--timeout', '20']);
      await answer(outcome);
      const result = await running;
      expect(result.exitCode, result.stderr).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(renderTemplate());
      expect(result.stderr).toContain(`${file} was reset to the template`);
    },
  );

  it.each(['rejected', 'failed'] as const)('keeps the file as it is after a %s verdict', async (outcome) => {
    const file = join(work, 'requests', 'request.json');
    const text = await readFile(file, 'utf8');
    const running = cli(['submit', file, '--timeout', '20']);
    await answer(outcome, ['measures: no such table']);
    const result = await running;
    expect(result.exitCode).not.toBe(0);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(result.stderr).toContain('was kept as it is, so you can fix it and submit again');
  });

  it('never resets a file not named request.json, even when accepted (requests/example.json)', async () => {
    const file = join(work, 'requests', 'example.json');
    const text = JSON.stringify(EXAMPLE_REQUEST, null, 2);
    await writeFile(file, text);
    const running = cli(['submit', file, '--timeout', '20']);
    await answer('started');
    const result = await running;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(result.stderr).toContain('only a file named request.json is reset to the template');
  });

  it('says so with exit 75 when no verdict comes in time, and leaves the request queued', async () => {
    const result = await cli(['submit', join(work, 'requests', 'request.json'), '--timeout', '0.5']);
    expect(result.exitCode).toBe(75);
    expect(result.stderr).toMatch(
      /no verdict for .* within 1 s; the request stays in .*requests\. Is the creator running\?/,
    );
    expect(await dropped()).toHaveLength(1);
    expect(await readFile(join(work, 'requests', 'request.json'), 'utf8')).toBe(JSON.stringify(EXAMPLE_REQUEST));
  });

  it('names the drop folder when it cannot write there (exit 78)', async () => {
    await rm(join(state, 'requests'), { recursive: true });
    const result = await cli(['submit', join(work, 'requests', 'request.json'), '--no-wait']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`cannot write the request into the drop folder ${join(state, 'requests')}: ENOENT`);
  });

  it('--json prints the verdict as one JSON line', async () => {
    const running = spawnCli(
      ['--config-dir', config, '--state-dir', state, 'submit', join(work, 'requests', 'request.json'), '--json'],
      {
        timeout: 20_000,
      },
    );
    await answer('started');
    const result = await running;
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'started', accepted: true });
  });
});

describe('db-proxy remove', () => {
  it('drops a removal request for the database', async () => {
    const result = await cli(['remove', 'TOR-BGO-150KingW', '--no-wait']);
    expect(result.exitCode, result.stderr).toBe(0);
    const names = await dropped();
    expect(JSON.parse(await readFile(join(state, 'requests', names[0]!), 'utf8'))).toEqual({
      action: 'remove',
      database: 'TOR-BGO-150KingW',
    });
  });

  it('refuses an unsafe name (exit 2) and drops nothing', async () => {
    const result = await cli(['remove', '../etc', '--no-wait']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('database: got "../etc"; expected a safe identifier');
    expect(await dropped()).toEqual([]);
  });
});
