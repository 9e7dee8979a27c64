// `db-proxy status --fleet` against a real MongoDB-compatible server: the heartbeats of other
// hosts (one live, one gone silent) beside this host's project, table and JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HealthTracker } from '../../src/health/heartbeat.js';
import { runCli } from '../support/cli.js';
import { createSyncProject, type SyncProject } from '../support/sync-project.js';

describe('status --fleet', () => {
  const mongoUrl = inject('mongoUrl');
  let project: SyncProject;
  const suffix = Math.random().toString(16).slice(2, 8);
  const other = { project: `elsewhere_${suffix}`, host: `sync-host-2-${suffix}` };
  const silent = { project: `silent_${suffix}`, host: `sync-host-3-${suffix}` };
  const removed = { project: `removed_${suffix}`, host: hostname() };

  beforeAll(async () => {
    project = await createSyncProject({ mongoUrl, defaults: { heartbeat_overdue_seconds: 3600 } });
    const folder = join(project.config.stateDir, 'projects', project.source.name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'request.json'), JSON.stringify(project.request));
    // Heartbeats as the workers of two other hosts write them; one host went quiet 3 hours ago.
    const heartbeats = project.db.collection<{ _id: string }>('heartbeats');
    for (const [who, ageSeconds] of [
      [other, 10],
      [silent, 3 * 3600],
      [{ project: project.source.name, host: hostname() }, 5],
      // A project removed from this host: its folder is gone, its worker's heartbeat is not.
      [removed, 120],
    ] as const) {
      const at = new Date(Date.now() - ageSeconds * 1000);
      const doc = new HealthTracker().document(
        { project: who.project, host: who.host, pid: 9, unit: null, startedAt: at, intervalSeconds: 60 },
        at,
      );
      const { _id, ...fields } = doc;
      await heartbeats.updateOne({ _id }, { $set: { ...fields, server_time: at } }, { upsert: true });
    }
  });

  afterAll(async () => {
    await project?.cleanup();
  });

  const cli = (...args: string[]) =>
    runCli(['--config-dir', project.config.dir, '--state-dir', project.config.stateDir, 'status', ...args]);

  it("lists every host's projects with a HOST column; the default stays this host's", async () => {
    const fleet = await cli('--fleet');
    const lines = fleet.stdout.split('\n');
    expect(lines[0]).toMatch(/^HOST +PROJECT +UNIT +HEALTH/);
    expect(fleet.stdout).toMatch(new RegExp(`^${other.host} +${other.project} +remote +ok `, 'm'));
    expect(fleet.stdout).toMatch(new RegExp(`^${silent.host} +${silent.project} +remote +overdue .* 3h00m ago`, 'm'));
    expect(fleet.stdout).toMatch(new RegExp(`^${hostname()} +${project.source.name} `, 'm'));
    // The silent host's project is overdue: the fleet is not healthy.
    expect(fleet.exitCode).toBe(1);

    const local = await cli();
    expect(local.stdout).toMatch(/^PROJECT +UNIT/);
    expect(local.stdout).toContain(project.source.name);
    expect(local.stdout).not.toContain(other.project);
    expect(local.stdout).not.toContain(silent.project);
  });

  it('--fleet --json carries the same rows, each with its host', async () => {
    const json = JSON.parse((await cli('--fleet', '--json')).stdout) as {
      host: string;
      projects: { host: string; project: string; health: string; unit_state: string }[];
    };
    expect(json.host).toBe(hostname());
    expect(json.projects.map((p) => [p.host, p.project, p.health])).toEqual(
      expect.arrayContaining([
        [other.host, other.project, 'ok'],
        [silent.host, silent.project, 'overdue'],
        [hostname(), project.source.name, 'ok'],
      ]),
    );
    const local = JSON.parse((await cli('--json')).stdout) as { projects: { host: string; project: string }[] };
    expect(local.projects).toEqual([expect.objectContaining({ host: hostname(), project: project.source.name })]);
  });

  it("the monitor removes the heartbeat of this host's removed project, and only that one", async () => {
    const heartbeats = project.db.collection<{ _id: string }>('heartbeats');
    const before = (await heartbeats.find().toArray()).map((doc) => doc._id).sort();
    expect(before).toContain(removed.project);
    const check = await runCli([
      '--config-dir',
      project.config.dir,
      '--state-dir',
      project.config.stateDir,
      'monitor',
      '--once',
    ]);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stderr).toContain(`heartbeat of ${removed.project} removed: the project has no folder on this host`);
    const after = (await heartbeats.find().toArray()).map((doc) => doc._id).sort();
    expect(after).toEqual(before.filter((id) => id !== removed.project));
  });
});
