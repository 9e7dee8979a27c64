// The creator daemon on a real drop folder (real files, FIFOs, links; requests handled by a fake
// handler unless the real one is cheap): hostile entries get a verdict unread, a slow writer is
// judged once complete, requests of one database run in arrival order with the bytes read once,
// and a request the creator died on twice is quarantined.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyContext, Handled } from '../../src/creator/apply.js';
import { startCreator, type Creator } from '../../src/creator/daemon.js';
import { makeVerdict, parseVerdict, type Verdict } from '../../src/intake/verdict.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Notifier } from '../../src/systemd/notify.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';
import { waitFor } from '../support/wait.js';

const silent: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

const notifier: Notifier = {
  enabled: false,
  ready: () => Promise.resolve(),
  status: () => Promise.resolve(),
  watchdog: () => Promise.resolve(),
  stopping: () => Promise.resolve(),
};

let root: string;
let state: string;
let config: string;
let creator: Creator | undefined;
/** What the fake handler was given, in the order it was called. */
let calls: { file: string; text: string }[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dbp-daemon-'));
  state = join(root, 'state');
  config = join(root, 'config');
  await mkdir(join(state, 'requests'), { recursive: true });
  await mkdir(config);
  await writeFile(join(config, 'defaults.json'), '{}');
  calls = [];
  creator = undefined;
});

afterEach(async () => {
  await creator?.close();
  await rm(root, { recursive: true, force: true });
});

function context(): ApplyContext {
  const unused = (): Promise<never> => Promise.reject(new Error('systemctl is not used by these tests'));
  return {
    stateDir: state,
    configDir: config,
    unitDir: join(root, 'units'),
    dropInTemplate: '',
    systemctl: {
      daemonReload: unused,
      enable: unused,
      start: unused,
      restart: unused,
      disableNow: unused,
      disable: unused,
      stop: unused,
      resetFailed: unused,
      activeState: unused,
      isEnabled: unused,
      show: unused,
      showMany: unused,
    },
    reload: unused,
    units: {} as ApplyContext['units'],
    settleMs: 1000,
    logger: silent,
  };
}

/** Accepts every request, recording what it was given. */
async function fakeHandle(_ctx: ApplyContext, file: string, text: string): Promise<Handled> {
  calls.push({ file, text });
  await sleep(20);
  const id = file.slice(file.lastIndexOf('/') + 1, -'.json'.length);
  const verdict = makeVerdict({
    request_id: id,
    database: 'x',
    unit: null,
    action: 'sync',
    outcome: 'started',
    reasons: [],
    unit_state: 'active',
    unit_status: null,
    duration_ms: 1,
  });
  return { verdict, commit: () => Promise.resolve(), abort: () => Promise.resolve() };
}

async function start(real = false, incompleteGraceMs?: number): Promise<void> {
  creator = await startCreator({
    ctx: context(),
    notifier,
    rescanSeconds: 30,
    parallel: 4,
    ...(real ? {} : { handle: fakeHandle }),
    ...(incompleteGraceMs === undefined ? {} : { incompleteGraceMs }),
  });
}

async function verdictOf(id: string): Promise<{ dir: string; verdict: Verdict }> {
  return waitFor(
    `the verdict of ${id}`,
    async () => {
      for (const dir of ['processed', 'failed']) {
        const text = await readFile(join(state, dir, `${id}.verdict.json`), 'utf8').catch(() => undefined);
        const verdict = text === undefined ? undefined : parseVerdict(text);
        if (verdict) return { dir, verdict };
      }
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
}

/** Drops a file the way submit does: a hidden temp file, then a rename. */
async function drop(name: string, text: string): Promise<void> {
  await writeFile(join(state, 'requests', `.${name}.tmp`), text);
  await rename(join(state, 'requests', `.${name}.tmp`), join(state, 'requests', name));
}

const valid = (changes: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ ...EXAMPLE_REQUEST, ...changes }, null, 2)}\n`;

describe('the creator daemon', () => {
  it('refuses a FIFO, a symlink, a directory and an oversized file unread, then accepts a valid request', async () => {
    await start();
    const requests = join(state, 'requests');
    await execa('mkfifo', [join(requests, 'x.json')]);
    await writeFile(join(root, 'root-only.json'), valid({ database: 'SECRET-db' }), { mode: 0o600 });
    await symlink(join(root, 'root-only.json'), join(requests, 'l.json'));
    await mkdir(join(requests, 'd.json'));
    await writeFile(join(requests, 'big.json'), '');
    await truncate(join(requests, 'big.json'), 200_000_000);

    const expected: [string, RegExp][] = [
      ['x', /^a FIFO \(named pipe\), not a regular file/],
      ['l', /^a symbolic link, not a regular file/],
      ['d', /^a directory, not a regular file/],
      ['big', /^too large: 200000000 bytes; a request is at most 1 MiB/],
    ];
    for (const [id, reason] of expected) {
      const { dir, verdict } = await verdictOf(id);
      expect(dir, id).toBe('failed');
      expect(verdict, id).toMatchObject({ outcome: 'rejected', accepted: false });
      expect(verdict.reasons.join('\n'), id).toMatch(reason);
      expect(JSON.stringify(verdict)).not.toContain('SECRET');
    }
    expect(calls).toEqual([]);
    // Nothing is left to be seen again: links and FIFOs removed, the rest beside its verdict
    // (the verdict is written first, so its entry goes a moment later).
    await waitFor('the refused entries to leave the drop folder', async () => (await readdir(requests)).length === 0, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    expect((await readdir(join(state, 'failed'))).sort()).toEqual(
      ['big.json', 'big.verdict.json', 'd.json', 'd.verdict.json', 'l.verdict.json', 'x.verdict.json'].sort(),
    );
    expect(await readFile(join(root, 'root-only.json'), 'utf8')).toContain('SECRET-db');

    await drop('good.json', valid());
    expect(await verdictOf('good')).toMatchObject({ dir: 'processed', verdict: { accepted: true } });
    expect(calls.map((call) => call.text)).toEqual([valid()]);
  });

  it('moves a refused directory aside even when failed/ already holds an entry of its name', async () => {
    await mkdir(join(state, 'failed', 'd.json', 'old'), { recursive: true });
    await start();
    await mkdir(join(state, 'requests', 'd.json', 'inside'), { recursive: true });
    expect(await verdictOf('d')).toMatchObject({ dir: 'failed', verdict: { outcome: 'rejected' } });
    await waitFor(
      'the directory to leave the drop folder',
      async () => (await readdir(join(state, 'requests'))).length === 0,
      {
        timeoutMs: 5000,
        intervalMs: 20,
      },
    );
    const failed = await readdir(join(state, 'failed'));
    expect(failed.filter((name) => /^d\.json\.\d+$/.test(name))).toHaveLength(1);
    expect(await readdir(join(state, 'failed', 'd.json'))).toEqual(['old']);
  });

  it('judges a slowly written request only once it is complete (half, a 5 s pause, the rest)', async () => {
    await start();
    const text = valid();
    const path = join(state, 'requests', 'slow.json');
    await writeFile(path, text.slice(0, text.length / 2));
    await sleep(5000);
    await writeFile(path, text);
    const { dir, verdict } = await verdictOf('slow');
    expect(dir).toBe('processed');
    expect(verdict.accepted).toBe(true);
    expect(calls.map((call) => call.text)).toEqual([text]);
    expect(await readdir(join(state, 'failed'))).toEqual([]);
  }, 20_000);

  it('judges a truncated request once it stayed unchanged for the grace period: rejected as malformed', async () => {
    await start(true, 1500);
    await drop('cut.json', valid().slice(0, 40));
    await drop('empty.json', '');
    for (const id of ['cut', 'empty']) {
      const { dir, verdict } = await verdictOf(id);
      expect(dir, id).toBe('failed');
      expect(verdict.outcome, id).toBe('rejected');
      expect(verdict.reasons, id).toEqual([expect.stringMatching(/^malformed JSON at line \d+, column \d+: /)]);
    }
  });

  it('hands requests of one database on in arrival order, each with the bytes it read', async () => {
    await start();
    const older = '20261201T100000000Z-TOR-BGO-150KingW-aaaaaa.json';
    const newer = '20261201T100001000Z-TOR-BGO-150KingW-bbbbbb.json';
    // The older one is large (whitespace up to the limit), so reading it takes longer.
    const large = valid({ sleep_time: 1 }).replace('{', `{${' '.repeat(1_000_000)}`);
    const small = valid({ sleep_time: 2 });
    await writeFile(join(state, 'requests', `.${older}`), large);
    await writeFile(join(state, 'requests', `.${newer}`), small);
    await Promise.all([
      rename(join(state, 'requests', `.${older}`), join(state, 'requests', older)),
      rename(join(state, 'requests', `.${newer}`), join(state, 'requests', newer)),
    ]);
    await verdictOf(newer.slice(0, -5));
    await verdictOf(older.slice(0, -5));
    expect(calls.map((call) => call.file.slice(call.file.lastIndexOf('/') + 1))).toEqual([older, newer]);
    expect(calls.map((call) => call.text)).toEqual([large, small]);
  });

  it('quarantines a request the creator died on twice; one it died on once is handled again', async () => {
    await mkdir(join(state, 'attempts'), { recursive: true });
    await drop('twice.json', valid({ database: 'db-twice' }));
    await drop('once.json', valid({ database: 'db-once' }));
    await writeFile(join(state, 'attempts', 'twice.json'), '2\n');
    await writeFile(join(state, 'attempts', 'once.json'), '1\n');
    await writeFile(join(state, 'attempts', 'gone.json'), '1\n');
    await start();
    const twice = await verdictOf('twice');
    expect(twice).toMatchObject({ dir: 'failed', verdict: { outcome: 'failed', database: 'db-twice' } });
    expect(twice.verdict.reasons.join('\n')).toMatch(/^quarantined: the creator stopped 2 times while handling/);
    expect(await verdictOf('once')).toMatchObject({ dir: 'processed' });
    expect(calls.map((call) => call.file.slice(call.file.lastIndexOf('/') + 1))).toEqual(['once.json']);
    // Markers go once the verdict is filed; that of a request no longer there is dropped at start.
    await waitFor('the markers to go', async () => (await readdir(join(state, 'attempts'))).length === 0, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
  });

  it('a verdict that cannot be filed leaves the request to be handled again, not counted as a crash', async () => {
    await start();
    // processed/ a file: the verdict cannot be written.
    await rm(join(state, 'processed'), { recursive: true });
    await writeFile(join(state, 'processed'), '');
    await drop('nofile.json', valid());
    await waitFor(
      'the attempt to be handled and its marker dropped',
      async () => calls.length === 1 && (await readdir(join(state, 'attempts'))).length === 0,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(await readdir(join(state, 'requests'))).toEqual(['nofile.json']);
  });

  it('files JSON nested 100,000 deep as rejected (not failed), naming the limit', async () => {
    await start(true);
    await drop('deep.json', `{"database": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { dir, verdict } = await verdictOf('deep');
    expect(dir).toBe('failed');
    expect(verdict.outcome).toBe('rejected');
    expect(verdict.reasons).toEqual([expect.stringMatching(/^JSON nested deeper than the limit of 32 levels/)]);
  });

  it('refuses a database whose unit name is too long under the configured unit_prefix', async () => {
    await writeFile(join(config, 'defaults.json'), JSON.stringify({ unit_prefix: 'db-proxy-prod' }));
    await start(true);
    await drop('long.json', valid({ database: `a${'-'.repeat(59)}` }));
    const { dir, verdict } = await verdictOf('long');
    expect(dir).toBe('failed');
    expect(verdict.outcome).toBe('rejected');
    expect(verdict.reasons).toEqual([
      expect.stringMatching(
        /^database: got "a-+" \(string\); expected a name whose unit name db-proxy-prod@.* at most 255 bytes/,
      ),
    ]);
  });
});
