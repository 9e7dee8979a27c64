// `db-proxy status` of a user who cannot read MONGO_URL (an operator): the monitor's snapshot,
// with its age; a stale or missing snapshot is a problem and exits 1; --fleet and --json work.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedRow } from '../../src/health/fleet.js';
import { buildSnapshot } from '../../src/health/snapshot.js';
import { runCli } from '../support/cli.js';

const row: HostedRow = {
  host: 'sync-1',
  project: 'TOR-BGO-150KingW',
  unit: 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service',
  unit_state: 'active/running',
  health: 'ok',
  status: 'ok',
  last_wave: 1795446000,
  last_wave_age_seconds: 586,
  lag_seconds: 585,
  documents: 96,
  heartbeat_age_seconds: 1,
  last_error: null,
  failing: false,
};

describe('db-proxy status without MONGO_URL', () => {
  let work: string;
  const config = (): string => join(work, 'config');
  const state = (): string => join(work, 'state');
  const status = (...args: string[]) => runCli(['--config-dir', config(), '--state-dir', state(), 'status', ...args]);
  async function writeSnapshot(ageSeconds: number): Promise<void> {
    const writtenAt = new Date(Date.now() - ageSeconds * 1000);
    const snapshot = buildSnapshot({
      time: writtenAt,
      writtenAt,
      host: 'sync-1',
      intervalSeconds: 60,
      heartbeatsRead: true,
      unitsRead: true,
      problems: [],
      projects: [row],
      fleet: [row, { ...row, host: 'sync-2', project: 'Other-DB', unit_state: 'remote' }],
    });
    await writeFile(join(state(), 'status', 'status.json'), JSON.stringify(snapshot));
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dbp-status-snapshot-'));
    // No credentials.env and no mongo.env: as for an operator, who may read neither.
    await mkdir(config());
    await writeFile(join(config(), 'defaults.json'), '{}\n');
    await mkdir(join(state(), 'status'), { recursive: true });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('shows the monitor snapshot and its age, and exits 0', async () => {
    await writeSnapshot(20);
    const result = await status();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PROJECT +UNIT +HEALTH/);
    expect(result.stdout).toMatch(/TOR-BGO-150KingW +active\/running +ok +1795446000/);
    expect(result.stdout).not.toContain('Other-DB');
    expect(result.stderr).toMatch(
      /^db-proxy: the monitor's check of 2\d s ago, from .*status\/status\.json \(MONGO_URL is not readable here\)$/,
    );
  });

  it('--fleet and --json read the same snapshot', async () => {
    await writeSnapshot(5);
    const fleet = await status('--fleet');
    expect(fleet.exitCode, fleet.stderr).toBe(0);
    expect(fleet.stdout).toMatch(/^HOST +PROJECT/);
    expect(fleet.stdout).toMatch(/sync-2 +Other-DB +remote/);
    const json = await status('--json');
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      host: 'sync-1',
      source: 'snapshot',
      snapshot: { stale: false, age_seconds: expect.any(Number) as number },
      problems: [],
      projects: [{ project: 'TOR-BGO-150KingW', health: 'ok' }],
    });
  });

  it('a stale snapshot (the monitor stopped) is a problem: exit 1 and a message naming the monitor', async () => {
    await writeSnapshot(600);
    const result = await status();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('TOR-BGO-150KingW');
    expect(result.stderr).toMatch(
      /db-proxy: the monitor's status snapshot is 6\d\d s old \(it is rewritten every 60 s\): the monitor is not running or cannot finish a check; systemctl status db-proxy-monitor\.service/,
    );
    const json = await status('--json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ snapshot: { stale: true } });
  });

  it('no snapshot at all: exit 1, saying where it was looked for', async () => {
    await rm(join(state(), 'status', 'status.json'), { force: true });
    const result = await status();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('no projects');
    expect(result.stderr).toMatch(
      /db-proxy: no status snapshot: cannot read .*status\/status\.json: ENOENT; the monitor writes it at every check: systemctl status db-proxy-monitor\.service/,
    );
  });
});
