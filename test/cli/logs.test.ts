// `db-proxy logs`: the journalctl arguments, the note for a name without a project folder, and
// with the Kubernetes backend the kubectl command instead of a journal that holds nothing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalctlArgs } from '../../src/cli/commands/logs.js';
import { kubectlLogs } from '../../src/cli/commands/logs-kubernetes.js';
import { resourceName } from '../../src/orchestrator/kubernetes/manifests.js';
import { runCli } from '../support/cli.js';

describe('journalctlArgs', () => {
  it('passes the unit and the operator flags, without a pager unless following', () => {
    expect(journalctlArgs('db-proxy@a.service', { priority: 'err', since: 'today', lines: '5' })).toEqual([
      '-u',
      'db-proxy@a.service',
      '-o',
      'short-iso',
      '-p',
      'err',
      '--since',
      'today',
      '-n',
      '5',
      '--no-pager',
    ]);
    expect(journalctlArgs('db-proxy@a.service', { follow: true })).toEqual([
      '-u',
      'db-proxy@a.service',
      '-o',
      'short-iso',
      '-f',
    ]);
  });
});

describe('kubectlLogs', () => {
  it('names the Deployment and carries -f, -n and a duration --since over', () => {
    const name = resourceName('TOR-BGO-150KingW');
    expect(kubectlLogs('sensors', 'TOR-BGO-150KingW', { follow: true, lines: '20', since: '1h30m' })).toEqual({
      command: ['kubectl', '-n', 'sensors', 'logs', `deployment/${name}`, '-f', '--tail=20', '--since=1h30m'],
      notes: [],
    });
  });

  it('says what it cannot carry over: a journalctl time and a priority', () => {
    const { command, notes } = kubectlLogs('db-proxy', 'a', { since: '1 hour ago', priority: 'err' });
    expect(command).toEqual(['kubectl', '-n', 'db-proxy', 'logs', `deployment/${resourceName('a')}`]);
    expect(notes).toEqual([
      '--since 1 hour ago: kubectl takes a duration (--since=1h) or --since-time=<RFC 3339 time>',
      '--priority err: kubectl cannot filter by priority; each line names its level (error, warn, info, debug)',
    ]);
  });
});

describe('db-proxy logs <database>', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dbp-logs-'));
    await mkdir(join(work, 'config'));
    await mkdir(join(work, 'state', 'projects', 'TOR-BGO-150KingW'), { recursive: true });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });
  const logs = (database: string) =>
    runCli(['--config-dir', join(work, 'config'), '--state-dir', join(work, 'state'), 'logs', database, '-n', '1']);

  it('says when the name has no project folder, suggests the closest one, and shows the journal anyway', async () => {
    const result = await logs('TOR-BGO-150KingX');
    expect(result.stderr).toContain(
      `db-proxy: no project TOR-BGO-150KingX in ${join(work, 'state', 'projects')} (did you mean TOR-BGO-150KingW?); ` +
        'showing the journal of db-proxy@TOR\\x2dBGO\\x2d150KingX.service anyway',
    );
  });

  it('adds nothing for a project that has its folder', async () => {
    expect((await logs('TOR-BGO-150KingW')).stderr).not.toContain('db-proxy:');
  });
});

describe('db-proxy logs <database> with the Kubernetes backend', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dbp-logs-kube-'));
    await mkdir(join(work, 'config'));
    await writeFile(
      join(work, 'config', 'defaults.json'),
      JSON.stringify({ orchestrator: 'kubernetes', kubernetes: { namespace: 'sensors', image: 'x:1' } }),
    );
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('prints the kubectl command to use, says why, and exits 1 without running journalctl', async () => {
    const result = await runCli([
      '--config-dir',
      join(work, 'config'),
      '--state-dir',
      join(work, 'state'),
      'logs',
      'TOR-BGO-150KingW',
      '-f',
    ]);
    expect(result.stdout).toBe(`kubectl -n sensors logs deployment/${resourceName('TOR-BGO-150KingW')} -f`);
    expect(result.stderr).toContain(
      'db-proxy: with the Kubernetes backend the worker of TOR-BGO-150KingW logs to its pod, not to the journal',
    );
    expect(result.exitCode).toBe(1);
  });
});
