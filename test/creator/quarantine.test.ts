// A request that kills the creator (SIGKILL mid-handling, as the kernel's OOM killer does) is
// handled again once after a restart, and at the next start quarantined with a verdict instead of
// killing the creator for ever. Real processes, real deaths, a real drop folder.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/intake/attempts.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';

const FIXTURE = fileURLToPath(new URL('./support/crashing-creator.ts', import.meta.url));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dbp-quarantine-'));
  await mkdir(join(root, 'state', 'requests'), { recursive: true });
  await mkdir(join(root, 'config'));
  await writeFile(join(root, 'config', 'defaults.json'), '{}');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const runCreator = () =>
  execa(process.execPath, ['--import', 'tsx', FIXTURE, join(root, 'state'), join(root, 'config')], {
    reject: false,
    timeout: 30_000,
  });

describe('a request that kills the creator', () => {
  it(`is handled ${MAX_ATTEMPTS} times, then quarantined with a failed verdict at the next start`, async () => {
    const state = join(root, 'state');
    await writeFile(join(state, 'requests', 'poison.json'), JSON.stringify(EXAMPLE_REQUEST));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const died = await runCreator();
      expect(died.signal, `attempt ${attempt}: ${died.stderr}`).toBe('SIGKILL');
      expect(await readdir(join(state, 'requests'))).toEqual(['poison.json']);
    }
    const third = await runCreator();
    expect(third.exitCode, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({
      request_id: 'poison',
      outcome: 'failed',
      accepted: false,
      database: EXAMPLE_REQUEST.database,
      reasons: [expect.stringMatching(/^quarantined: the creator stopped 2 times while handling this request/)],
    });
    expect(JSON.parse(await readFile(join(state, 'failed', 'poison.verdict.json'), 'utf8'))).toMatchObject({
      outcome: 'failed',
    });
    expect(await readdir(join(state, 'requests'))).toEqual([]);
    expect((await readdir(join(state, 'failed'))).sort()).toEqual(['poison.json', 'poison.verdict.json']);
    expect(await readdir(join(state, 'attempts'))).toEqual([]);
  }, 120_000);
});
