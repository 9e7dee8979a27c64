// The product under a real systemd: install.sh inside a throw-away container, then the operator's
// workflow — submit, change, resubmit, bad requests, a killed worker, a killed creator, removal —
// against the host's MariaDB and MongoDB-compatible server. Prints how long submit → active took.
import { isDeepStrictEqual } from 'node:util';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectedPivot, generateDataset, readCollections, asPlain, type Dataset } from '../support/dataset.js';
import { connectMongo, dropMongoDatabase } from '../support/mongo.js';
import { createSourceDatabase, type SourceDatabase } from '../support/mysql.js';
import { waitFor } from '../support/wait.js';
import { CONFIG, SRC, STATE, WORK, grantRead, installInContainer, type Installed } from './support/installed.js';

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const KEPT = ['Extraction_1_dev_a', 'Extraction_2_dev_a'];

function requestFor(database: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    wave_counter_threshold: now - 2 * DAY,
    delete_old_value: 1,
    monitory_name_kept: KEPT,
    measures: 'TL_measures',
    database,
    server: '127.0.0.1:3306',
    sleep_time: 1,
    ...overrides,
  };
}

describe('db-proxy installed under a real systemd', () => {
  const mongoUrl = inject('mongoUrl');
  let product: Installed;
  let mongo: MongoClient;
  // Hyphens and dots exercise the unit name escaping (\x2d) end to end.
  const suffix = Math.random().toString(16).slice(2, 8);
  const names = { main: `dbp-e2e.${suffix}`, second: `dbp_e2e_b_${suffix}`, broken: `dbp_e2e_c_${suffix}` };
  const sources: SourceDatabase[] = [];
  let main: SourceDatabase;
  let data: Dataset;
  const submitTimes: number[] = [];

  beforeAll(async () => {
    main = await createSourceDatabase({ name: names.main });
    sources.push(
      main,
      await createSourceDatabase({ name: names.second }),
      await createSourceDatabase({ name: names.broken }),
    );
    data = generateDataset({
      now,
      waves: 60,
      points: 40,
      spanSeconds: 36 * 3600,
      monitories: [
        { name: KEPT[0]!, interval: 300 },
        { name: KEPT[1]!, interval: 900 },
        { name: 'Extraction_9_other', interval: 60 },
      ],
    });
    await main.insertCycles(data.cycles);
    await main.insertMeasures(data.measures);
    product = await installInContainer(
      mongoUrl,
      sources.map((s) => s.name),
    );
    console.log(`install.sh took ${product.installMs} ms in container ${product.container.name}`);
    mongo = await connectMongo(mongoUrl);
  }, 8 * 60_000);

  afterAll(async () => {
    if (submitTimes.length > 0) {
      const sorted = [...submitTimes].sort((a, b) => a - b);
      const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
      console.log(
        `submit → unit active: median ${median} ms over ${sorted.length} submits (${sorted.join(', ')} ms); its target is held by npm run bench:creator`,
      );
    }
    await product?.dispose();
    await mongo?.close();
    for (const source of sources) await source.drop().catch(() => undefined);
    if (product) await dropMongoDatabase(mongoUrl, product.mongoDatabase).catch(() => undefined);
  });

  async function expectConverged(database: string, source: Dataset, lowerBound: number): Promise<void> {
    const expected = asPlain(expectedPivot(source, { database, measures: 'TL_measures', kept: KEPT, lowerBound }));
    await waitFor(
      `${database} to converge in MongoDB`,
      async () => {
        const actual = await readCollections(mongo.db(product.mongoDatabase), database);
        return isDeepStrictEqual(asPlain(actual.collections), expected) && actual;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch(async (error: unknown) => {
      const actual = await readCollections(mongo.db(product.mongoDatabase), database);
      expect(asPlain(actual.collections)).toEqual(expected);
      throw error;
    });
  }

  it('install.sh: the creator runs, units verify clean, exposure ≤ 2.0, and a second run changes nothing', async () => {
    const c = product.container;
    expect((await c.systemctl('is-active', 'db-proxy-creator.service')).stdout.trim()).toBe('active');
    const creatorPid = (await product.show('db-proxy-creator.service', 'MainPID')).MainPID;

    expect((await c.systemctl('is-active', 'db-proxy-monitor.service')).stdout.trim()).toBe('active');
    const verify = await c.exec([
      'systemd-analyze',
      'verify',
      '/etc/systemd/system/db-proxy-creator.service',
      '/etc/systemd/system/db-proxy-monitor.service',
      '/etc/systemd/system/db-proxy@.service',
    ]);
    expect(verify.stderr.trim()).toBe('');
    expect(verify.exitCode).toBe(0);

    const modes = await c.shell(
      `stat -c '%n %a %U:%G' ${CONFIG} ${CONFIG}/credentials.env ${CONFIG}/mongo.env ${CONFIG}/credentials.d/default.env ${CONFIG}/defaults.json ${STATE}/requests ${STATE}/processed ${STATE}/projects ${STATE}/inflight`,
    );
    expect(modes.stdout).toContain(`${CONFIG}/credentials.env 640 root:db-proxy`);
    expect(modes.stdout).toContain(`${CONFIG}/mongo.env 640 root:db-proxy`);
    expect(modes.stdout).toContain(`${CONFIG}/credentials.d/default.env 640 root:db-proxy`);
    expect(modes.stdout).toContain(`${STATE}/requests 3770 root:db-proxy`);
    expect(modes.stdout).toContain(`${STATE}/inflight 700 root:root`);
    expect((await c.exec(['id', 'db-proxy'])).exitCode).toBe(0);

    const again = await c.exec([`${SRC}/install.sh`], { timeoutMs: 5 * 60_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('installed /etc/systemd/system');
    expect(again.stdout).not.toContain('wrote');
    expect((await product.show('db-proxy-creator.service', 'MainPID')).MainPID).toBe(creatorPid);
    // The secrets the first run moved out of credentials.env stay where it put them.
    expect((await c.exec(['grep', '-c', product.mysqlUser, `${CONFIG}/credentials.d/default.env`])).stdout.trim()).toBe(
      '1',
    );
    expect((await c.exec(['grep', '-c', 'MONGO_URL=mongodb', `${CONFIG}/mongo.env`])).stdout.trim()).toBe('1');
    expect((await c.exec(['grep', '-c', product.mysqlUser, `${CONFIG}/credentials.env`])).stdout.trim()).toBe('0');
  });

  it('submit starts a hardened unit: active, status line, journal, documents in MongoDB, template restored', async () => {
    const c = product.container;
    const { result, verdict, ms } = await product.submit(requestFor(names.main));
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(verdict).toMatchObject({ outcome: 'started', accepted: true, unit_state: 'active', database: names.main });
    submitTimes.push(ms);
    const unit = await product.unitName(names.main);
    expect(verdict?.unit).toBe(unit);
    expect(unit).toContain('\\x2d');

    // The editable file is the template again.
    const template = await c.exec(['cat', `${WORK}/requests/request.json`]);
    expect(template.stdout).toBe((await c.exec(['cat', `${SRC}/requests/request.json`])).stdout);

    await expectConverged(names.main, data, now - DAY);
    const status = await c.waitFor(
      async () => {
        const out = (await c.systemctl('status', unit)).stdout;
        return /Status: ".*wave/.test(out) && out;
      },
      30_000,
      'the status line of the worker',
    );
    expect(status).toContain('active (running)');
    const journal = await c.journal(unit);
    expect(journal).toContain('worker ready');
    // Unprivileged, credentials through LoadCredential= and never in the unit's properties.
    const props = await product.show(unit, 'User', 'Environment', 'LoadCredential', 'ExecStart');
    expect(props.User).toBe('db-proxy');
    const shown = (await c.systemctl('show', unit)).stdout + (await c.systemctl('cat', unit)).stdout;
    expect(shown).not.toContain(product.mysqlPassword);
    expect(shown).not.toContain(mongoUrl.replace(/\/$/, ''));
    const logs = await c.exec(['journalctl', '--no-pager', '-o', 'cat']);
    expect(logs.stdout).not.toContain(product.mysqlPassword);
    // Priorities reach the journal: a healthy worker has info lines and no error line.
    expect(await c.journal(unit, ['-p', 'info'])).toContain('worker ready');
    expect((await c.journal(unit, ['-p', 'err'])).trim()).toBe('');
    // The worker runs with exactly the configuration the creator recorded in the project folder.
    expect(await c.journal(unit)).not.toContain('running with a configuration that differs');

    // Its heartbeat names the unit, and db-proxy status shows the project healthy.
    const beat = await waitFor('the heartbeat of the unit', async () =>
      mongo
        .db(product.mongoDatabase)
        .collection('heartbeats')
        .findOne({ _id: names.main as never, unit }),
    );
    expect(beat).toMatchObject({ status: 'ok', host: expect.any(String) as string });
    const overview = await product.cli(['status', '--json']);
    expect(overview.exitCode, overview.stderr).toBe(0);
    expect((JSON.parse(overview.stdout) as { projects: unknown[] }).projects).toEqual([
      expect.objectContaining({ project: names.main, unit, unit_state: 'active/running', health: 'ok' }),
    ]);

    // Every unit of the product is rated 2.0 or lower.
    for (const name of ['db-proxy-creator.service', 'db-proxy-monitor.service', unit]) {
      const security = await c.exec(['systemd-analyze', 'security', '--no-pager', name]);
      const score = /Overall exposure level for .*: (\d+\.\d+)/.exec(security.stdout)?.[1];
      console.log(`systemd-analyze security ${name}: ${score}`);
      expect(Number(score)).toBeLessThanOrEqual(2.0);
    }
  });

  it('a changed request restarts the unit with the new setting; the same again is unchanged', async () => {
    const c = product.container;
    const unit = await product.unitName(names.main);
    const before = await product.show(unit, 'MainPID', 'InvocationID');
    const changed = await product.submit(requestFor(names.main, { sleep_time: 2 }));
    expect(changed.result.exitCode, changed.result.stderr).toBe(0);
    expect(changed.verdict).toMatchObject({ outcome: 'restarted', unit_state: 'active' });
    submitTimes.push(changed.ms);
    const after = await product.show(unit, 'MainPID', 'InvocationID');
    expect(after.InvocationID).not.toBe(before.InvocationID);
    const effective = JSON.parse((await c.exec(['cat', `${STATE}/projects/${names.main}/effective.json`])).stdout) as {
      request: { sleep_time: number };
    };
    expect(effective.request.sleep_time).toBe(2);
    expect((await c.journal(unit)).match(/worker ready/g)?.length).toBe(2);

    const same = await product.submit(requestFor(names.main, { sleep_time: 2 }));
    expect(same.result.exitCode).toBe(0);
    expect(same.verdict).toMatchObject({ outcome: 'unchanged', accepted: true });
    expect((await product.show(unit, 'MainPID')).MainPID).toBe(after.MainPID);
  });

  it('an operator in the db-proxy-operators group submits without root; a user outside it can neither submit nor read credentials', async () => {
    const c = product.container;
    const users = await c.shell('useradd -m -G db-proxy-operators dbp-alice && useradd -m dbp-bob');
    expect(users.exitCode, users.stderr).toBe(0);
    const request = JSON.stringify(requestFor(names.main, { sleep_time: 3 }));
    // umask 077: submit still makes the dropped file readable by the creator, through the group.
    const aliceStarted = Date.now();
    const alice = await c.exec([
      'runuser', '-u', 'dbp-alice', '--', 'bash', '-c',
      `umask 077 && cd ~ && mkdir -p requests && printf '%s' "$1" > requests/request.json && db-proxy submit --json`,
      'submit', request,
    ]); // prettier-ignore
    expect(alice.exitCode, `${alice.stdout}\n${alice.stderr}`).toBe(0);
    expect(JSON.parse(alice.stdout)).toMatchObject({ outcome: 'restarted', accepted: true, unit_state: 'active' });
    submitTimes.push(Date.now() - aliceStarted);
    // Alice may read no secret: her status is the monitor's snapshot, of its next check.
    await product.freshStatusSnapshot();
    const aliceStatus = await c.exec(['runuser', '-u', 'dbp-alice', '--', 'db-proxy', 'status', '--json']);
    expect(aliceStatus.stdout).toContain(names.main);
    expect(JSON.parse(aliceStatus.stdout)).toMatchObject({ source: 'snapshot', snapshot: { stale: false } });

    const bob = await c.exec([
      'runuser', '-u', 'dbp-bob', '--', 'bash', '-c',
      `cd ~ && mkdir -p requests && printf '%s' "$1" > requests/request.json && db-proxy submit --no-wait`,
      'submit', request,
    ]); // prettier-ignore
    expect(bob.exitCode).toBe(78);
    expect(bob.stderr).toMatch(
      /cannot write the request into the drop folder .*: EACCES; operators must be in the db-proxy-operators group/,
    );
    const peek = await c.exec(['runuser', '-u', 'dbp-bob', '--', 'cat', `${CONFIG}/credentials.env`]);
    expect(peek.exitCode).not.toBe(0);
    expect(peek.stdout).toBe('');
  });

  it('db-proxy logs shows the project journal, by priority', async () => {
    const logs = await product.cli(['logs', names.main, '-n', '50']);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('worker ready');
    const errors = await product.cli(['logs', names.main, '-p', 'err']);
    expect(errors.exitCode, errors.stderr).toBe(0);
    expect(errors.stdout).not.toContain('worker ready');
  });

  it('bad requests get a verdict in failed/ and leave no unit and no folder; a running project is untouched', async () => {
    const c = product.container;
    const unit = await product.unitName(names.main);
    const runningPid = (await product.show(unit, 'MainPID')).MainPID;
    const template = (await c.exec(['cat', `${SRC}/requests/request.json`])).stdout;
    const bad: [string, string, RegExp][] = [
      ['malformed', '{"database": "x",}', /JSON/],
      ['template', template, /untouched template/],
      ['unknown-key', JSON.stringify({ ...requestFor(names.broken), sleep: 1 }), /sleep: unknown key/],
      ['wrong-type', JSON.stringify(requestFor(names.broken, { sleep_time: '5' })), /sleep_time: got "5"/],
      ['out-of-range', JSON.stringify(requestFor(names.broken, { delete_old_value: -1 })), /delete_old_value/],
      ['path-escape', JSON.stringify(requestFor('../../etc')), /database: got "..\/..\/etc"/],
      ['unit-escape', JSON.stringify(requestFor('x\nExecStart=/bin/sh')), /database/],
      ['sql-escape', JSON.stringify(requestFor(names.broken, { measures: 'a`; DROP TABLE x' })), /measures/],
      [
        'server-not-allowed',
        JSON.stringify(requestFor(names.broken, { server: 'evil.example:3306' })),
        /allowed servers/,
      ],
      ['remove-unknown', JSON.stringify({ action: 'remove', database: names.broken }), /there is no project/],
      ['bad-action', JSON.stringify({ action: 'delete', database: names.broken }), /action: got "delete"/],
      ['running-project', JSON.stringify(requestFor(names.main, { sleep_time: 0 })), /left as it was/],
    ];
    // Files the watcher must ignore: hidden, editor swap and backup files.
    for (const ignored of ['.hidden.json', 'request.json~', '.request.json.swp', '#request.json#']) {
      await c.writeFile(`${STATE}/requests/${ignored}`, '{}');
    }
    for (const [name, text] of bad) await product.drop(`bad-${name}.json`, text);
    for (const [name, , reason] of bad) {
      const { dir, verdict } = await product.verdict(`bad-${name}`);
      expect(dir, name).toBe('failed');
      expect(verdict.accepted, name).toBe(false);
      expect((verdict.reasons as string[]).join('\n'), name).toMatch(reason);
      expect((await c.exec(['test', '-e', `${STATE}/failed/bad-${name}.json`])).exitCode, name).toBe(0);
    }
    const brokenUnit = await product.unitName(names.broken);
    expect((await c.systemctl('is-enabled', brokenUnit)).stdout.trim()).not.toBe('enabled');
    expect((await c.exec(['test', '-e', `${STATE}/projects/${names.broken}`])).exitCode).not.toBe(0);
    expect((await c.exec(['test', '-e', `/etc/systemd/system/${brokenUnit}.d`])).exitCode).not.toBe(0);
    expect((await c.exec(['ls', `${STATE}/projects`])).stdout.trim()).toBe(names.main);
    expect((await product.show(unit, 'MainPID')).MainPID).toBe(runningPid);
    const left = (await c.exec(['ls', '-A', `${STATE}/requests`])).stdout.split('\n').filter(Boolean).sort();
    expect(left).toEqual(['#request.json#', '.hidden.json', '.request.json.swp', 'request.json~']);

    // submit itself refuses what validate refuses, before anything reaches the creator.
    await c.writeFile(`${WORK}/requests/request.json`, JSON.stringify(requestFor(names.broken, { sleep_time: -3 })));
    const refused = await product.cli(['submit']);
    expect(refused.exitCode).toBe(78);
    expect(refused.stderr).toContain('sleep_time');
  });

  it('a failure half-way (the drop-in cannot be written) rolls back: no unit enabled, no folder', async () => {
    const c = product.container;
    const unit = await product.unitName(names.broken);
    // A file where the drop-in folder must go: writing the drop-in fails after the folder was laid out.
    await c.writeFile(`/etc/systemd/system/${unit}.d`, 'in the way\n');
    try {
      const { result, verdict } = await product.submit(requestFor(names.broken));
      expect(result.exitCode).toBe(1);
      expect(verdict).toMatchObject({ outcome: 'failed', accepted: false });
      expect((verdict?.reasons as string[]).join('\n')).toMatch(/rolled back: no unit and no folder/);
      expect((await c.systemctl('is-enabled', unit)).stdout.trim()).not.toBe('enabled');
      expect((await c.systemctl('is-active', unit)).stdout.trim()).toBe('inactive');
      expect((await c.exec(['test', '-e', `${STATE}/projects/${names.broken}`])).exitCode).not.toBe(0);
      expect((await c.exec(['ls', '-A', `${STATE}/inflight`])).stdout.trim()).toBe('');
    } finally {
      await c.exec(['rm', '-f', `/etc/systemd/system/${unit}.d`]);
    }
  });

  it('kill -9 of the worker: systemd starts it again and the data still converges', async () => {
    const c = product.container;
    const unit = await product.unitName(names.main);
    const before = await product.show(unit, 'MainPID', 'NRestarts');
    expect((await c.exec(['kill', '-9', before.MainPID!])).exitCode).toBe(0);
    const after = await c.waitFor(
      async () => {
        const props = await product.show(unit, 'MainPID', 'NRestarts', 'ActiveState');
        return props.ActiveState === 'active' && props.MainPID !== before.MainPID && props.MainPID !== '0' && props;
      },
      60_000,
      'the worker to be restarted',
    );
    expect(Number(after.NRestarts)).toBe(Number(before.NRestarts) + 1);
    // New waves and late measures after the restart arrive too.
    const more = generateDataset({
      now: now + 600,
      waves: 3,
      points: 40,
      spanSeconds: 600,
      seed: 7,
      monitories: [{ name: KEPT[0]!, interval: 300 }],
    });
    await main.insertCycles(more.cycles);
    await main.insertMeasures(more.measures);
    data = { cycles: [...data.cycles, ...more.cycles], measures: [...data.measures, ...more.measures] };
    await expectConverged(names.main, data, now - DAY);
  });

  it('watchdog: a worker stopped with SIGSTOP is killed and started again by systemd', async () => {
    const c = product.container;
    const unit = await product.unitName(names.main);
    // A shorter watchdog than the unit's 60 s, so the test does not wait a minute.
    await c.writeFile(`/etc/systemd/system/${unit}.d/20-e2e-watchdog.conf`, '[Service]\nWatchdogSec=4\n');
    try {
      await c.systemctl('daemon-reload');
      await c.systemctl('restart', unit);
      const before = await product.show(unit, 'MainPID', 'NRestarts', 'WatchdogUSec');
      expect(before.WatchdogUSec).toBe('4s');
      expect((await c.exec(['kill', '-STOP', before.MainPID!])).exitCode).toBe(0);
      const after = await c.waitFor(
        async () => {
          const props = await product.show(unit, 'MainPID', 'NRestarts', 'ActiveState');
          return props.ActiveState === 'active' && props.MainPID !== before.MainPID && props.MainPID !== '0' && props;
        },
        60_000,
        'the stopped worker to be replaced',
      );
      expect(Number(after.NRestarts)).toBe(Number(before.NRestarts) + 1);
      expect(await c.journal(unit)).toMatch(/[Ww]atchdog timeout/);
    } finally {
      await c.exec(['rm', '-f', `/etc/systemd/system/${unit}.d/20-e2e-watchdog.conf`]);
      await c.systemctl('daemon-reload');
    }
  });

  it('a creator killed while it handles a request: after its restart the project is complete', async () => {
    const c = product.container;
    await grantRead(names.second, product.mysqlUser);
    const creatorPid = (await product.show('db-proxy-creator.service', 'MainPID')).MainPID;
    await product.drop('kill-creator.json', JSON.stringify(requestFor(names.second)));
    // Kill it while its journal of the request exists, i.e. between "folder laid out" and "verdict".
    await c.waitFor(
      async () => (await c.exec(['test', '-e', `${STATE}/inflight/${names.second}.json`])).exitCode === 0,
      30_000,
      'the creator to start on the request',
    );
    await c.exec(['kill', '-9', creatorPid!]);
    const { dir, verdict } = await product.verdict('kill-creator', 60_000);
    expect(dir).toBe('processed');
    expect(verdict.outcome).toMatch(/started|restarted/);
    const journal = await c.journal('db-proxy-creator.service');
    expect(journal).toMatch(new RegExp(`kill-creator for ${names.second} was interrupted; (rolled back|finished)`));
    const unit = await product.unitName(names.second);
    expect((await c.systemctl('is-active', unit)).stdout.trim()).toBe('active');
    expect((await c.systemctl('is-enabled', unit)).stdout.trim()).toBe('enabled');
    expect((await c.exec(['ls', '-A', `${STATE}/inflight`])).stdout.trim()).toBe('');
    expect((await c.exec(['ls', '-A', `${STATE}/projects`])).stdout.split('\n').filter(Boolean).sort()).toEqual(
      [names.main, names.second].sort(),
    );
  });

  it('remove: the unit is stopped, disabled and gone, the folder archived', async () => {
    const c = product.container;
    for (const database of [names.second, names.main]) {
      const unit = await product.unitName(database);
      const removed = await product.cli(['remove', database, '--json']);
      expect(removed.exitCode, removed.stderr).toBe(0);
      expect(JSON.parse(removed.stdout)).toMatchObject({ outcome: 'removed', accepted: true });
      expect((await c.systemctl('is-active', unit)).stdout.trim()).toBe('inactive');
      expect((await c.systemctl('is-enabled', unit)).stdout.trim()).not.toBe('enabled');
      expect((await c.exec(['test', '-e', `/etc/systemd/system/${unit}.d`])).exitCode).not.toBe(0);
      expect((await c.exec(['test', '-e', `${STATE}/projects/${database}`])).exitCode).not.toBe(0);
      expect((await c.shell(`ls -d ${STATE}/archive/${database}-*`)).exitCode).toBe(0);
    }
    expect((await c.systemctl('list-units', '--plain', '--no-legend', 'db-proxy@*')).stdout.trim()).toBe('');
  });

  it('install.sh --uninstall keeps configuration and data; --purge removes them', async () => {
    const c = product.container;
    const uninstall = await c.exec([`${SRC}/install.sh`, '--uninstall']);
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    expect((await c.exec(['test', '-e', '/etc/systemd/system/db-proxy-creator.service'])).exitCode).not.toBe(0);
    expect((await c.exec(['test', '-e', '/opt/db-proxy'])).exitCode).not.toBe(0);
    expect((await c.exec(['test', '-e', `${CONFIG}/credentials.env`])).exitCode).toBe(0);
    expect((await c.exec(['test', '-d', `${STATE}/archive`])).exitCode).toBe(0);
    const purge = await c.exec([`${SRC}/install.sh`, '--purge']);
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect((await c.exec(['test', '-e', CONFIG])).exitCode).not.toBe(0);
    expect((await c.exec(['id', 'db-proxy'])).exitCode).not.toBe(0);
  });
});
