// What a worker process loads: every module is resident for the life of the service, and a
// worker's idle memory is budgeted (≤ 100 MB), so libraries only other commands use stay out.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const recorder = new URL('../support/record-packages.mjs', import.meta.url).href;

describe('the packages a worker loads', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbp-packages-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves out the libraries of rendering, watching, metrics, Kubernetes and journal reading', async () => {
    const list = join(dir, 'worker.txt');
    // A project that does not exist: the worker stops at its first step, after every module it
    // imports statically has loaded.
    const result = await runCli(['--config-dir', dir, '--state-dir', dir, 'worker', 'no_such_project'], {
      env: { NODE_OPTIONS: `--import=${recorder}`, DB_PROXY_TEST_PACKAGES: list },
    });
    expect(result.exitCode).not.toBe(0);
    const loaded = (await readFile(list, 'utf8')).split('\n');
    // The recorder sees what the worker does need.
    expect(loaded).toEqual(expect.arrayContaining(['commander', 'mysql2', 'winston', 'zod']));
    for (const library of ['handlebars', 'chokidar', 'prom-client', '@kubernetes/client-node', 'execa']) {
      expect(loaded, `${library} loaded by the worker`).not.toContain(library);
    }
  });
});
