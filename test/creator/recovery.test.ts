// The creator's start after a crash: a truncated or unparsable journal is quarantined, not fatal,
// and the project is recovered from what its folder and drop-in show; a full disk stops a change
// before it starts, because the verdict's space is reserved first.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Faults } from './support/fake-systemd.js';
import { TransactionEnv, requestFor } from './support/transaction-env.js';

const DB = 'TOR-BGO-150KingW';
const envs: TransactionEnv[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (envs.length > 0) await envs.pop()?.dispose();
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function env(stateDir?: string): Promise<TransactionEnv> {
  const created = await TransactionEnv.create(undefined, stateDir);
  envs.push(created);
  return created;
}

/** Crashes the request at the first operation whose label starts with `label`. */
async function crashAt(e: TransactionEnv, prior: object | undefined, request: object, label: string): Promise<void> {
  const probe = new Faults();
  const scratch = await env();
  if (prior) await scratch.submit(prior);
  await scratch.submit(request, probe);
  const index = probe.log.findIndex((line) => line.startsWith(label));
  expect(index, `no operation ${label} in ${probe.log.join(', ')}`).toBeGreaterThanOrEqual(0);
  const faults = new Faults();
  faults.crashAt = index + 1;
  await e.submit(request, faults);
  expect(faults.crashed).toBe(true);
}

describe('an unreadable journal', () => {
  it.each([
    ['truncated', '{"version": 2, "request_id": "req-001", "requ'],
    ['empty', ''],
    ['of another shape', '{"database": 42}'],
  ])('%s: quarantined with a log line, and the start goes on', async (_what, text) => {
    const e = await env();
    await e.submit(requestFor(DB));
    const before = await e.world(DB);
    await writeFile(join(e.layout.inflight, `${DB}.json`), text);
    await e.recover();
    const names = await readdir(e.layout.inflight);
    expect(names.filter((name) => name.endsWith('.json'))).toEqual([]);
    expect(names.some((name) => name.startsWith(`${DB}.json.unreadable-`))).toBe(true);
    expect(e.logs.some((line) => line.startsWith('error: the journal ') && line.includes('is unreadable'))).toBe(true);
    expect(await e.world(DB)).toEqual(before);
  });

  it('of a change that crashed after the folder swap: the previous folder, drop-in and worker are back', async () => {
    const e = await env();
    await e.submit(requestFor(DB));
    const before = await e.world(DB);
    await crashAt(e, requestFor(DB), requestFor(DB, { sleep_time: 9 }), 'daemon-reload');
    await writeFile(join(e.layout.inflight, `${DB}.json`), '{"version": 2, "req');
    await e.recover();
    expect(await e.world(DB)).toEqual(before);
  });

  it('of a new project that crashed after it was started: no folder, no drop-in, no unit', async () => {
    const e = await env();
    const before = await e.world(DB);
    await crashAt(e, undefined, requestFor(DB), 'write the verdict');
    expect((await e.world(DB)).active).toBe(true);
    await writeFile(join(e.layout.inflight, `${DB}.json`), 'garbage');
    await e.recover();
    expect({ ...(await e.world(DB)), loadedDropIn: null }).toEqual(before);
  });
});

describe.runIf(process.getuid?.() === 0)('a full disk under the state folder (a 1 MiB tmpfs)', () => {
  it('changes nothing while the verdict has no room; once there is room the request applies', async () => {
    const mount = await mkdtemp(join(tmpdir(), 'dbp-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'dbp-full', mount]);
    cleanups.push(async () => {
      execFileSync('umount', [mount]);
      await rmdir(mount);
    });
    const e = await env(join(mount, 'state'));
    const body = JSON.stringify(requestFor(DB));
    await writeFile(join(e.layout.requests, 'req-full.json'), body);
    // Fill the disk with 4 KiB files, then free four of them: room for the journal and the
    // project folder, not for the verdict's reservation.
    const filler = join(mount, 'filler');
    execFileSync('mkdir', [filler]);
    let count = 0;
    try {
      for (;;) await writeFile(join(filler, String(count++)), Buffer.alloc(4096));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    for (let i = 0; i < 4; i++) await rm(join(filler, String(i)));

    // The verdict of the refusal itself fits in the space the refusal left; it names the cause.
    const verdict = await e.handle('req-full');
    if (verdict) {
      expect(verdict.outcome).toBe('failed');
      expect(verdict.reasons[0]).toMatch(/^nothing was changed: there is no room for the verdict: .*ENOSPC/);
    } else expect(await e.pending('req-full')).toBe(true);
    expect(e.systemd.units.get(e.unit(DB))?.InvocationID ?? '').toBe('');
    expect(await e.world(DB)).toMatchObject({ folderHash: null, dropIn: null, enabled: false, active: false });

    await rm(filler, { recursive: true });
    expect((await e.submit(requestFor(DB))).verdict?.outcome).toBe('started');
    expect(await e.world(DB)).toMatchObject({ enabled: true, active: true });
    expect(await e.leftovers()).toEqual([]);
  });
});

it('space reserved for a verdict whose request is no longer under way is released at start', async () => {
  const e = await env();
  await writeFile(join(e.layout.failed, '.req-old.verdict.json.reserve'), Buffer.alloc(65536));
  await e.recover();
  expect(await e.leftovers()).toEqual([]);
});

describe('a project folder without its drop-in (install.sh --uninstall, then install.sh)', () => {
  it('gets its unit back, enabled and started, and the same request is then unchanged', async () => {
    const e = await env();
    await e.submit(requestFor(DB));
    const before = await e.world(DB);
    const systemctl = e.systemd.systemctl(new Faults());
    await systemctl.disableNow(e.unit(DB));
    await rm(join(e.unitDir, `${e.unit(DB)}.d`), { recursive: true });
    await systemctl.daemonReload();
    expect(await e.world(DB)).toMatchObject({ dropIn: null, enabled: false, active: false });
    await e.recover();
    expect(await e.world(DB)).toEqual(before);
    expect(e.logs.some((line) => line.includes('restored, enabled and started'))).toBe(true);
    expect((await e.submit(requestFor(DB))).verdict?.outcome).toBe('unchanged');
  });
});

describe('a journal of the creator before the orchestrator port (version 2)', () => {
  it('is rolled back as this version would: the previous folder, drop-in and worker are back', async () => {
    const e = await env();
    await e.submit(requestFor(DB));
    const before = await e.world(DB);
    await crashAt(e, requestFor(DB), requestFor(DB, { sleep_time: 9 }), 'restart');
    const journal = JSON.parse(await readFile(join(e.layout.inflight, `${DB}.json`), 'utf8')) as {
      request_id: string;
      request_file: string;
      database: string;
      worker: string;
      projects_dir: string;
      had_folder: boolean;
      previous: { unit: string; drop_in: string | null; enabled: boolean; active: boolean; invocation: string };
      started_at: string;
    };
    const { unit, ...previous } = journal.previous;
    const v2 = {
      version: 2,
      request_id: journal.request_id,
      request_file: journal.request_file,
      action: 'sync',
      database: journal.database,
      unit,
      unit_dir: e.unitDir,
      projects_dir: journal.projects_dir,
      previous: { had_project: journal.had_folder, ...previous },
      steps: [
        'reserve-verdict',
        'hold-unit',
        'stage-folder',
        'swap-folder',
        'write-drop-in',
        'daemon-reload',
        'enable',
        'restart',
        'await-ready',
      ],
      started_at: journal.started_at,
    };
    await writeFile(join(e.layout.inflight, `${DB}.json`), JSON.stringify(v2));
    await e.recover();
    expect(await e.world(DB)).toEqual(before);
    expect(await e.leftovers()).toEqual([]);
  });
});
