// Operators without secrets under a real systemd: install.sh's two groups (and the move of an older
// install to them), an operator in db-proxy-operators (not in db-proxy) who submits, watches status
// from the monitor's snapshot, reads verdicts, project folders and logs, removes — and cannot read
// any credential; the monitor runs as the service user; a canary password is found nowhere else;
// --purge removes both groups.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SourceDatabase } from '../support/mysql.js';
import { CONFIG, SRC, STATE, installInContainer, seedSourceDatabase, type Installed } from './support/installed.js';

const now = Math.floor(Date.now() / 1000);
const suffix = randomBytes(3).toString('hex');
const database = `dbp_e2e_ops_${suffix}`;
const OPERATOR = 'dbp-olga';
/** A person who was an operator before the operators had their own group. */
const LEGACY = 'dbp-lars';
const SECRETS = [`${CONFIG}/credentials.env`, `${CONFIG}/mongo.env`, `${CONFIG}/credentials.d/default.env`];

const request = {
  wave_counter_threshold: now - 86_400,
  delete_old_value: 1,
  monitory_name_kept: ['Extraction_1_dev_a'],
  measures: 'TL_measures',
  database,
  server: '127.0.0.1:3306',
  sleep_time: 2,
};

describe('operators without secrets under a real systemd', () => {
  let product: Installed;
  let source: SourceDatabase | undefined;
  let unit = '';

  beforeAll(async () => {
    source = await seedSourceDatabase(database, now);
    product = await installInContainer(inject('mongoUrl'), [database]);
    unit = await product.unitName(database);
  }, 8 * 60_000);

  afterAll(async () => {
    await product?.dispose();
    await source?.drop().catch(() => undefined);
  });

  /** A shell script as the operator, from their home folder. */
  const asOperator = (script: string, ...args: string[]) =>
    product.container.exec(['runuser', '-u', OPERATOR, '--', 'bash', '-c', `cd ~ && ${script}`, 'operator', ...args], {
      timeoutMs: 120_000,
    });

  it("install.sh moves an older install to two groups: the secrets the service's, the rest the operators'", async () => {
    const c = product.container;
    // An install from before the operators' group: everything the service group's, its people in it.
    const legacy = await c.shell(
      [
        `useradd -m -G db-proxy ${LEGACY}`,
        `chgrp db-proxy ${CONFIG} ${CONFIG}/defaults.json ${CONFIG}/reader.env ${STATE} ${STATE}/*`,
        `chown -R root:root ${STATE}/monitor`,
        `rm -rf ${STATE}/status`,
      ].join(' && '),
    );
    expect(legacy.exitCode, legacy.stderr).toBe(0);
    const again = await c.exec([`${SRC}/install.sh`], { timeoutMs: 5 * 60_000 });
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toContain(
      `moved ${LEGACY} from the group db-proxy (which reads the secrets) to db-proxy-operators`,
    );
    expect((await c.exec(['id', '-nG', LEGACY])).stdout.trim().split(' ').sort()).toEqual(
      ['db-proxy-operators', LEGACY].sort(),
    );

    const expected: Record<string, string> = {
      [CONFIG]: '750 root:db-proxy-operators',
      [`${CONFIG}/defaults.json`]: '640 root:db-proxy-operators',
      [`${CONFIG}/reader.env`]: '640 root:db-proxy-operators',
      [`${CONFIG}/credentials.env`]: '640 root:db-proxy',
      [`${CONFIG}/mongo.env`]: '640 root:db-proxy',
      [`${CONFIG}/credentials.d`]: '750 root:db-proxy',
      [`${CONFIG}/credentials.d/default.env`]: '640 root:db-proxy',
      [STATE]: '750 root:db-proxy-operators',
      [`${STATE}/requests`]: '3770 root:db-proxy-operators',
      [`${STATE}/processed`]: '2750 root:db-proxy-operators',
      [`${STATE}/failed`]: '2750 root:db-proxy-operators',
      [`${STATE}/projects`]: '2750 root:db-proxy-operators',
      [`${STATE}/archive`]: '2750 root:db-proxy-operators',
      [`${STATE}/inflight`]: '700 root:root',
      [`${STATE}/monitor`]: '700 db-proxy:db-proxy',
      [`${STATE}/status`]: '2750 db-proxy:db-proxy-operators',
    };
    const stat = await c.exec(['stat', '-c', '%n %a %U:%G', ...Object.keys(expected)]);
    expect(stat.exitCode, stat.stderr).toBe(0);
    const seen = Object.fromEntries(
      stat.stdout
        .trim()
        .split('\n')
        .map((line): [string, string] => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
    );
    expect(seen).toEqual(expected);
    // The service user reads the operators' folders through its units' SupplementaryGroups=, not as a member.
    expect((await c.exec(['id', '-nG', 'db-proxy'])).stdout.trim()).toBe('db-proxy');
  });

  it('the monitor runs as the service user, not root', async () => {
    const props = await product.show('db-proxy-monitor.service', 'User', 'ActiveState', 'SupplementaryGroups');
    expect(props).toMatchObject({ User: 'db-proxy', ActiveState: 'active', SupplementaryGroups: 'db-proxy-operators' });
  });

  it('an operator (not in db-proxy) submits, watches status, reads verdicts, folders and logs, and no credential', async () => {
    const c = product.container;
    const made = await c.shell(`useradd -m -G db-proxy-operators,systemd-journal ${OPERATOR}`);
    expect(made.exitCode, made.stderr).toBe(0);
    expect((await c.exec(['id', '-nG', OPERATOR])).stdout).not.toMatch(/\bdb-proxy\b(?!-)/);

    const submit = await asOperator(
      `cp -r /opt/db-proxy/app/requests . && printf '%s' "$1" > requests/request.json && db-proxy submit --json`,
      JSON.stringify(request),
    );
    expect(submit.exitCode, `${submit.stdout}\n${submit.stderr}`).toBe(0);
    const verdict = JSON.parse(submit.stdout) as { request_id: string };
    expect(verdict).toMatchObject({ outcome: 'started', accepted: true, unit_state: 'active' });
    await c.waitFor(
      async () => (await c.journal(unit)).includes('cycle synced') || undefined,
      60_000,
      'the first cycle',
    );

    // The monitor's next check, with the project's heartbeat in it.
    await product.freshStatusSnapshot();
    const json = await asOperator('db-proxy status --json');
    expect(json.exitCode, `${json.stdout}\n${json.stderr}`).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      source: 'snapshot',
      snapshot: { stale: false },
      problems: [],
      // active/running: the unprivileged monitor read the unit's state from systemd.
      projects: [{ project: database, unit, unit_state: 'active/running', health: 'ok' }],
    });
    const table = await asOperator('db-proxy status');
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${database} +active/running +ok`));
    expect(table.stderr).toMatch(
      /the monitor's check of \d+ s ago, from .*status\.json \(MONGO_URL is not readable here\)/,
    );
    expect((await asOperator('db-proxy status --fleet')).exitCode).toBe(0);

    for (const file of [
      `${STATE}/processed/${verdict.request_id}.verdict.json`,
      `${STATE}/projects/${database}/effective.json`,
      `${STATE}/status/status.json`,
      `${CONFIG}/defaults.json`,
      `${CONFIG}/reader.env`,
    ]) {
      const read = await asOperator(`cat "$1"`, file);
      expect(read.exitCode, `${file}: ${read.stderr}`).toBe(0);
    }
    for (const file of SECRETS) {
      const peek = await asOperator(`cat "$1"`, file);
      expect(peek.exitCode, file).not.toBe(0);
      expect(peek.stderr).toContain('Permission denied');
      expect(peek.stdout).toBe('');
    }
    const listing = await asOperator(`ls "$1"`, `${CONFIG}/credentials.d`);
    expect(listing.stderr).toContain('Permission denied');

    const validate = await asOperator('db-proxy validate requests/example.json');
    expect(validate.exitCode, validate.stderr).toBe(0);
    const logs = await asOperator(`db-proxy logs "$1" -n 50`, database);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('worker ready');
  });

  it('no secret in systemctl show, the journal, the verdicts, the project folders or the status snapshot', async () => {
    const c = product.container;
    const canary = product.mysqlPassword;
    const shown = await c.systemctl('show', 'db-proxy-creator.service', 'db-proxy-monitor.service', unit);
    expect(shown.stdout).toContain(unit);
    expect(shown.stdout).not.toContain(canary);
    expect((await c.systemctl('cat', unit, 'db-proxy-monitor.service')).stdout).not.toContain(canary);
    const journal = await c.exec(['journalctl', '--no-pager', '-o', 'cat']);
    expect(journal.stdout).toContain('worker ready');
    expect(journal.stdout).not.toContain(canary);
    const snapshot = await c.exec(['cat', `${STATE}/status/status.json`]);
    expect(snapshot.stdout).toContain(database);
    expect(snapshot.stdout).not.toContain(canary);
    // The state folder (verdicts, project folders, the snapshot) holds it nowhere; the configuration in its file only.
    const found = await c.exec(['grep', '-rl', canary, STATE, CONFIG]);
    expect(found.stdout.split('\n').filter(Boolean)).toEqual([`${CONFIG}/credentials.d/default.env`]);
  });

  it('an operator removes the project', async () => {
    const removed = await asOperator(`db-proxy remove "$1" --json`, database);
    expect(removed.exitCode, `${removed.stdout}\n${removed.stderr}`).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ outcome: 'removed', accepted: true });
  });

  it('install.sh --uninstall keeps both groups with the folders they own; --purge removes them', async () => {
    const c = product.container;
    const group = async (name: string) => (await c.exec(['getent', 'group', name])).exitCode;
    const uninstall = await c.exec([`${SRC}/install.sh`, '--uninstall']);
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect(await group('db-proxy-operators')).toBe(0);
    expect((await c.exec(['stat', '-c', '%G', STATE])).stdout.trim()).toBe('db-proxy-operators');
    const purge = await c.exec([`${SRC}/install.sh`, '--purge']);
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(await group('db-proxy-operators')).not.toBe(0);
    expect(await group('db-proxy')).not.toBe(0);
    expect(purge.stdout).toContain('the groups db-proxy and db-proxy-operators');
  });
});
