// The creator's one flow over the orchestrator port, with an in-memory orchestrator: unchanged
// activates nothing, a worker that does not become ready restores the previous state and folder,
// an orchestrator that cannot be read changes nothing, and a journal left by a killed creator is
// rolled back by the orchestrator that wrote it. (The adapters: systemd against a fake systemctl
// in transaction.test.ts and under the real systemd in test/e2e; Kubernetes against a real API
// server in test/integration/kubernetes.)
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recoverInflight, type ApplyContext } from '../../src/creator/apply.js';
import { writeFileAtomic } from '../../src/creator/files.js';
import { stateLayout, type StateLayout } from '../../src/intake/layout.js';
import type { Orchestrator, Prepared } from '../../src/orchestrator/port.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';
import { contextWithoutSystemd, handleAsDaemon, makeStateFolders } from './support/no-systemd.js';
import { captureLogger } from './support/transaction-env.js';

type Memory = { hash: string | null };
const DB = EXAMPLE_REQUEST.database;

function memoryOrchestrator(ready: () => boolean) {
  const running: Memory = { hash: null };
  const calls: string[] = [];
  const worker = { activeState: 'active', subState: 'running', detail: 'ok' };
  const orchestrator: Orchestrator<Prepared, Memory> = {
    kind: 'kubernetes',
    previousSchema: z.object({ hash: z.string().nullable() }),
    workerName: (database) => `memory/${database}`,
    refusal: () => undefined,
    prepare: (target) => ({
      database: target.request.database,
      worker: `memory/${target.request.database}`,
      configHash: `h${target.request.sleep_time}`,
    }),
    observe: () =>
      Promise.resolve({
        exists: running.hash !== null,
        running: running.hash !== null,
        state: worker,
        previous: { ...running },
      }),
    isCurrent: (prepared, observed) => observed.previous.hash === prepared.configHash,
    activate: (prepared) => {
      calls.push(`activate ${prepared.configHash}`);
      running.hash = prepared.configHash;
      return Promise.resolve();
    },
    withdraw: () => Promise.resolve(),
    awaitReady: () =>
      Promise.resolve(
        ready()
          ? { state: 'ready', worker }
          : {
              state: 'failed',
              worker: { activeState: 'activating', subState: 'starting', detail: 'not ready yet' },
              reasons: ['the worker did not become ready in time: not ready yet'],
            },
      ),
    deactivate: () => {
      calls.push('deactivate');
      running.hash = null;
      return Promise.resolve();
    },
    restore: (_database, previous) => {
      calls.push(`restore ${previous.hash}`);
      running.hash = previous.hash;
      return Promise.resolve();
    },
    rolledBack: (database, previous) => `rolled back: ${database} runs ${previous.hash ?? 'nothing'}`,
  };
  return { orchestrator, running, calls };
}

let dir: string;
let layout: StateLayout;
let counter = 0;
beforeEach(async () => {
  counter = 0;
  dir = await mkdtemp(join(tmpdir(), 'dbp-orchestrated-'));
  layout = stateLayout(join(dir, 'state'));
  await mkdir(join(dir, 'config'));
  await writeFile(join(dir, 'config', 'defaults.json'), '{}\n');
  await makeStateFolders(layout);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function ctxFor(orchestrator: Orchestrator<Prepared, Memory>): ApplyContext {
  const dirs = { stateDir: join(dir, 'state'), configDir: join(dir, 'config'), unitDir: join(dir, 'units') };
  return contextWithoutSystemd(dirs, { adapters: () => Promise.resolve(orchestrator as Orchestrator) });
}

async function submit(orchestrator: Orchestrator<Prepared, Memory>, body: object) {
  return handleAsDaemon(ctxFor(orchestrator), join(layout.requests, `r${++counter}.json`), body);
}

describe('the creator over the orchestrator port', () => {
  it('starts, then reports the same configuration unchanged without activating it again', async () => {
    const memory = memoryOrchestrator(() => true);
    expect((await submit(memory.orchestrator, EXAMPLE_REQUEST)).outcome).toBe('started');
    expect((await submit(memory.orchestrator, EXAMPLE_REQUEST)).outcome).toBe('unchanged');
    expect(memory.calls).toEqual(['activate h5']);
  });

  it('lays out a lost project folder again without touching what runs', async () => {
    const memory = memoryOrchestrator(() => true);
    await submit(memory.orchestrator, EXAMPLE_REQUEST);
    await rm(join(layout.projects, DB), { recursive: true });
    const verdict = await submit(memory.orchestrator, EXAMPLE_REQUEST);
    expect(verdict.outcome).toBe('unchanged');
    expect(memory.calls).toEqual(['activate h5']);
    const state = JSON.parse(await readFile(join(layout.projects, DB, 'project.json'), 'utf8')) as unknown;
    expect(state).toMatchObject({ config_hash: 'h5', unit: `memory/${DB}` });
  });

  it('restores the previous state and folder when the new worker does not become ready', async () => {
    let ready = true;
    const memory = memoryOrchestrator(() => ready);
    await submit(memory.orchestrator, EXAMPLE_REQUEST);
    ready = false;
    const changed = await submit(memory.orchestrator, { ...EXAMPLE_REQUEST, sleep_time: 9 });
    expect(changed.outcome).toBe('failed');
    expect(changed.reasons).toEqual([
      'the worker did not become ready in time: not ready yet',
      `rolled back: ${DB} runs h5`,
    ]);
    expect(memory.running.hash).toBe('h5');
    expect(memory.calls).toEqual(['activate h5', 'activate h9', 'restore h5']);
    const state = JSON.parse(await readFile(join(layout.projects, DB, 'project.json'), 'utf8')) as unknown;
    expect(state).toMatchObject({ config_hash: 'h5', request_id: 'r1' });
  });

  it('removes a project through the orchestrator and archives its folder', async () => {
    const memory = memoryOrchestrator(() => true);
    await submit(memory.orchestrator, EXAMPLE_REQUEST);
    expect((await submit(memory.orchestrator, { action: 'remove', database: DB })).outcome).toBe('removed');
    expect(memory.calls).toEqual(['activate h5', 'deactivate']);
    expect(memory.running.hash).toBeNull();
    await expect(readFile(join(layout.projects, DB, 'project.json'))).rejects.toThrow(/ENOENT/);
  });

  it('fails with a verdict naming the project and changes nothing when the orchestrator cannot be read', async () => {
    const memory = memoryOrchestrator(() => true);
    memory.orchestrator.observe = () => Promise.reject(new Error('403 Forbidden'));
    expect(await submit(memory.orchestrator, EXAMPLE_REQUEST)).toMatchObject({
      outcome: 'failed',
      database: DB,
      unit: `memory/${DB}`,
      reasons: ['nothing was changed: 403 Forbidden'],
    });
    expect(memory.calls).toEqual([]);
  });
});

describe('recovery over the orchestrator port', () => {
  it('rolls back, with the orchestrator that wrote it, a request whose verdict was never written', async () => {
    const memory = memoryOrchestrator(() => true);
    memory.running.hash = 'h9'; // applied by the creator that was killed
    const journal = {
      version: 3,
      orchestrator: 'kubernetes',
      request_id: 'r',
      request_file: join(layout.requests, 'r.json'),
      action: 'sync',
      database: DB,
      worker: `memory/${DB}`,
      projects_dir: layout.projects,
      had_folder: false,
      previous: { hash: null },
      steps: ['reserve-verdict', 'hold', 'stage-folder', 'swap-folder', 'activate', 'await-ready'],
      started_at: new Date().toISOString(),
    };
    await writeFileAtomic(join(layout.inflight, `${DB}.json`), JSON.stringify(journal));
    const results = await recoverInflight(ctxFor(memory.orchestrator));
    expect(results).toEqual([{ database: DB, request_id: 'r', result: 'rolled back' }]);
    expect(memory.running.hash).toBeNull();
    expect(memory.calls).toEqual(['restore null']);
  });

  it('names the journals an older creator left in inflight/kubernetes/ instead of skipping them silently', async () => {
    const memory = memoryOrchestrator(() => true);
    await writeFileAtomic(join(layout.inflight, 'kubernetes', `${DB}.json`), '{}');
    const lines: string[] = [];
    const ctx = { ...ctxFor(memory.orchestrator), logger: captureLogger(lines) };
    expect(await recoverInflight(ctx)).toEqual([]);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^error: .*inflight/kubernetes holds requests an older creator left half-done \\(${DB}\\.json\\)`),
      ),
    ]);
  });
});
