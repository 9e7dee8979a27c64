// The transaction over the orchestrator port with an in-memory orchestrator: unchanged writes
// nothing, a failed readiness restores the previous state and folder, and a journal left by a
// killed creator is rolled back on recovery. (The Kubernetes adapter itself is tested against a
// real API server in test/integration/kubernetes/.)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { mergeConfig } from '../../src/config/effective.js';
import { writeFileAtomic } from '../../src/creator/files.js';
import { stateLayout, type StateLayout } from '../../src/intake/layout.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Orchestrator, Prepared, ProjectTarget } from '../../src/orchestrator/port.js';
import { recoverOrchestrated, runSync } from '../../src/orchestrator/run.js';
import type { Request } from '../../src/request/schema.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';

type Memory = { hash: string | null };

function memoryOrchestrator(ready: () => boolean) {
  const running: Memory = { hash: null };
  const calls: string[] = [];
  const orchestrator: Orchestrator<Prepared, Memory> = {
    kind: 'kubernetes',
    previousSchema: z.object({ hash: z.string().nullable() }),
    workerName: (database) => `memory/${database}`,
    prepare: (target: ProjectTarget) => ({
      database: target.request.database,
      worker: `memory/${target.request.database}`,
      configHash: `h${target.request.sleep_time}`,
    }),
    observe: () =>
      Promise.resolve({
        configHash: running.hash,
        complete: running.hash !== null,
        state: { activeState: 'active', subState: 'running', detail: 'ok' },
        previous: { ...running },
      }),
    activate: (prepared) => {
      calls.push(`activate ${prepared.configHash}`);
      running.hash = prepared.configHash;
      return Promise.resolve();
    },
    awaitReady: () =>
      Promise.resolve({
        state: ready() ? 'ready' : 'pending',
        worker: { activeState: 'activating', subState: 'starting', detail: 'not ready yet' },
      }),
    deactivate: () => Promise.resolve(),
    restore: (_database, previous) => {
      calls.push(`restore ${previous.hash}`);
      running.hash = previous.hash;
      return Promise.resolve();
    },
  };
  return { orchestrator, running, calls };
}

let dir: string;
let layout: StateLayout;
const logger = createLogger({ level: 'error', style: 'plain' });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-run-'));
  layout = stateLayout(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function target(request: Request): ProjectTarget {
  const defaults = DefaultsSchema.parse({});
  const merged = mergeConfig(request, defaults);
  if (!merged.ok) throw new Error('merge');
  return { request, effective: merged.value, defaults };
}

const req = (id: string) => ({ requestId: id, file: join(dir, `${id}.json`), started: Date.now() });

describe('runSync', () => {
  it('starts, then reports the same configuration unchanged without activating it again', async () => {
    const memory = memoryOrchestrator(() => true);
    const first = await runSync(memory.orchestrator, { layout, logger }, target(EXAMPLE_REQUEST), req('a'));
    expect(first.verdict.outcome).toBe('started');
    await first.commit();
    const again = await runSync(memory.orchestrator, { layout, logger }, target(EXAMPLE_REQUEST), req('b'));
    expect(again.verdict.outcome).toBe('unchanged');
    expect(memory.calls).toEqual(['activate h5']);
  });

  it('restores the previous state and folder when the new worker does not become ready', async () => {
    let ready = true;
    const memory = memoryOrchestrator(() => ready);
    await (await runSync(memory.orchestrator, { layout, logger }, target(EXAMPLE_REQUEST), req('a'))).commit();
    ready = false;
    const changed = await runSync(
      memory.orchestrator,
      { layout, logger },
      target({ ...EXAMPLE_REQUEST, sleep_time: 9 }),
      req('b'),
    );
    expect(changed.verdict.outcome).toBe('failed');
    expect(changed.verdict.reasons[0]).toContain('did not become ready in time: not ready yet');
    expect(memory.running.hash).toBe('h5');
    expect(memory.calls).toEqual(['activate h5', 'activate h9', 'restore h5']);
    const state = JSON.parse(
      await readFile(join(layout.projects, EXAMPLE_REQUEST.database, 'project.json'), 'utf8'),
    ) as unknown;
    expect(state).toMatchObject({ config_hash: 'h5', request_id: 'a' });
  });
});

describe('runSync when the orchestrator cannot be read', () => {
  it('fails with a verdict naming the project and changes nothing', async () => {
    const memory = memoryOrchestrator(() => true);
    memory.orchestrator.observe = () => Promise.reject(new Error('403 Forbidden'));
    const handled = await runSync(memory.orchestrator, { layout, logger }, target(EXAMPLE_REQUEST), req('a'));
    expect(handled.verdict).toMatchObject({
      outcome: 'failed',
      database: EXAMPLE_REQUEST.database,
      reasons: ['nothing was changed: 403 Forbidden'],
    });
    expect(memory.calls).toEqual([]);
  });
});

describe('recoverOrchestrated', () => {
  it('rolls back a request whose verdict was never written', async () => {
    const memory = memoryOrchestrator(() => true);
    memory.running.hash = 'h9'; // applied by the creator that was killed
    const journal = {
      request_id: 'r',
      request_file: join(layout.requests, 'r.json'),
      action: 'sync',
      database: EXAMPLE_REQUEST.database,
      worker: 'memory/x',
      projects_dir: layout.projects,
      had_folder: false,
      started_at: new Date().toISOString(),
      previous: { hash: null },
    };
    await writeFileAtomic(
      join(layout.inflight, 'kubernetes', `${EXAMPLE_REQUEST.database}.json`),
      JSON.stringify(journal),
    );
    const results = await recoverOrchestrated(memory.orchestrator, { layout, logger });
    expect(results).toEqual([{ database: EXAMPLE_REQUEST.database, request_id: 'r', result: 'rolled back' }]);
    expect(memory.running.hash).toBeNull();
  });
});
