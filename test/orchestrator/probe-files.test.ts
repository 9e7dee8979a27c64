// withProbeFiles: the ready file exists exactly while the worker is READY (a stale one from a
// restarted container is removed at start); the alive file is touched at every watchdog ping.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withProbeFiles } from '../../src/orchestrator/probe-files.js';
import type { Notifier } from '../../src/systemd/notify.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function recorder(): Notifier & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    enabled: false,
    ready: (status) => (calls.push(`ready ${status}`), Promise.resolve()),
    status: (status) => (calls.push(`status ${status}`), Promise.resolve()),
    watchdog: () => (calls.push('watchdog'), Promise.resolve()),
    stopping: () => (calls.push('stopping'), Promise.resolve()),
  };
}

describe('withProbeFiles', () => {
  it('returns the systemd notifier itself when no probe file is asked for', () => {
    const inner = recorder();
    expect(withProbeFiles(inner, {})).toBe(inner);
  });

  it('writes the ready file on READY only, removes a stale one at start and on stopping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbp-probe-'));
    dirs.push(dir);
    const ready = join(dir, 'ready');
    const alive = join(dir, 'alive');
    writeFileSync(ready, 'left by the previous container\n');
    const inner = recorder();
    const notifier = withProbeFiles(inner, { DB_PROXY_READY_FILE: ready, DB_PROXY_ALIVE_FILE: alive });
    expect(existsSync(ready)).toBe(false);
    await notifier.status('starting: MySQL does not answer');
    expect(existsSync(ready)).toBe(false);
    await notifier.ready('ready: MySQL and MongoDB answer');
    expect(readFileSync(ready, 'utf8')).toBe('ready: MySQL and MongoDB answer\n');
    utimesSync(alive, new Date(0), new Date(0));
    await notifier.watchdog();
    expect(statSync(alive).mtimeMs).toBeGreaterThan(0);
    await notifier.stopping();
    expect(existsSync(ready)).toBe(false);
    // systemd is still told everything.
    expect(inner.calls).toEqual([
      'status starting: MySQL does not answer',
      'ready ready: MySQL and MongoDB answer',
      'watchdog',
      'stopping',
    ]);
  });
});
