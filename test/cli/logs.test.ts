// `db-proxy logs`: the journalctl arguments, and the note for a name without a project folder.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalctlArgs } from '../../src/cli/commands/logs.js';
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
