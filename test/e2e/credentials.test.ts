// Secrets per unit under a real systemd: two projects on two servers (the host's MariaDB named as
// 127.0.0.1 and as localhost) with different MySQL logins; each worker's $CREDENTIALS_DIRECTORY
// holds only the MongoDB URL and its own login, and a canary password is found nowhere else.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMysqlRoot, type SourceDatabase } from '../support/mysql.js';
import { CONFIG, STATE, installInContainer, seedSourceDatabase, type Installed } from './support/installed.js';

const now = Math.floor(Date.now() / 1000);
const suffix = randomBytes(3).toString('hex');
const second = { user: `dbp_e2e_two_${suffix}`, password: `Canary-${randomBytes(10).toString('hex')}` };

function requestFor(database: string, server: string): Record<string, unknown> {
  return {
    wave_counter_threshold: now - 86_400,
    delete_old_value: 1,
    monitory_name_kept: ['Extraction_1_dev_a'],
    measures: 'TL_measures',
    database,
    server,
    sleep_time: 2,
  };
}

describe('secrets per unit under a real systemd', () => {
  let product: Installed;
  const sources: SourceDatabase[] = [];
  const names = { one: `dbp_e2e_one_${suffix}`, two: `dbp_e2e_two_${suffix}` };

  beforeAll(async () => {
    for (const name of [names.one, names.two]) sources.push(await seedSourceDatabase(name, now));
    // The install's own login reads only the first database; the second server's login the second.
    product = await installInContainer(inject('mongoUrl'), [names.one]);
    const root = await connectMysqlRoot();
    try {
      for (const host of ['%', 'localhost']) {
        await root.query(`CREATE USER ?@? IDENTIFIED BY ?`, [second.user, host, second.password]);
        await root.query(`GRANT SELECT ON \`${names.two}\`.* TO ?@?`, [second.user, host]);
      }
    } finally {
      await root.end();
    }
    const c = product.container;
    await c.writeFile(
      `${CONFIG}/credentials.d/second.env`,
      `MYSQL_USER=${second.user}\nMYSQL_PASSWORD=${second.password}\n`,
      '0640',
    );
    const defaults = {
      mongo_database: product.mongoDatabase,
      allowed_servers: ['127.0.0.1:3306', 'localhost:3306'],
      mysql: { servers: { 'localhost:3306': { tls: 'preferred', credentials: 'second' } } },
    };
    await c.writeFile(`${CONFIG}/defaults.json`, `${JSON.stringify(defaults, null, 2)}\n`, '0640');
    await c.exec(['chown', 'root:db-proxy', `${CONFIG}/credentials.d/second.env`]);
    await c.exec(['chown', 'root:db-proxy-operators', `${CONFIG}/defaults.json`]);
  }, 8 * 60_000);

  afterAll(async () => {
    await product?.dispose();
    const root = await connectMysqlRoot().catch(() => undefined);
    if (root) {
      for (const host of ['%', 'localhost'])
        await root.query(`DROP USER IF EXISTS ?@?`, [second.user, host]).catch(() => undefined);
      await root.end();
    }
    for (const source of sources) await source.drop().catch(() => undefined);
  });

  it('install.sh moved the all-in-one credentials.env into mongo.env and credentials.d/default.env', async () => {
    const c = product.container;
    expect((await c.exec(['grep', '-c', '^MONGO_URL=mongodb', `${CONFIG}/mongo.env`])).stdout.trim()).toBe('1');
    expect(
      (await c.exec(['grep', '-c', product.mysqlPassword, `${CONFIG}/credentials.d/default.env`])).stdout.trim(),
    ).toBe('1');
    const kept = (await c.exec(['cat', `${CONFIG}/credentials.env`])).stdout;
    expect(kept).not.toMatch(/^(MONGO_URL|MYSQL_USER|MYSQL_PASSWORD)=/m);
    expect(kept).toContain(
      `# MYSQL_USER and MYSQL_PASSWORD moved to ${CONFIG}/credentials.d/default.env by install.sh`,
    );
  });

  it("gives each worker only the MongoDB URL and its own server's login", async () => {
    const c = product.container;
    const one = await product.submit(requestFor(names.one, '127.0.0.1:3306'));
    expect(one.verdict, `${one.result.stdout}\n${one.result.stderr}`).toMatchObject({
      accepted: true,
      unit_state: 'active',
    });
    const two = await product.submit(requestFor(names.two, 'localhost:3306'));
    expect(two.verdict, `${two.result.stdout}\n${two.result.stderr}`).toMatchObject({
      accepted: true,
      unit_state: 'active',
    });

    const units = { one: await product.unitName(names.one), two: await product.unitName(names.two) };
    for (const [key, unit] of Object.entries(units)) {
      // Both sync: each login works for its own database.
      await c.waitFor(
        async () => (await c.journal(unit)).includes('cycle synced') || undefined,
        60_000,
        `the first cycle of ${unit}`,
      );
      const dir = `/run/credentials/${unit}`;
      const listed = await c.exec(['ls', '-A', dir]);
      expect(listed.stdout.split('\n').filter(Boolean).sort(), `${key}: ${listed.stderr}`).toEqual([
        'mongo.env',
        'mysql.env',
      ]);
      const mysqlEnv = (await c.exec(['cat', `${dir}/mysql.env`])).stdout;
      const mongoEnv = (await c.exec(['cat', `${dir}/mongo.env`])).stdout;
      expect(mongoEnv).toContain('MONGO_URL=mongodb');
      expect(mongoEnv + mysqlEnv).not.toContain('SLACK_WEBHOOK_URL');
      if (key === 'one') {
        expect(mysqlEnv).toContain(`MYSQL_USER=${product.mysqlUser}`);
        expect(mysqlEnv).not.toContain(second.password);
      } else {
        expect(mysqlEnv).toContain(`MYSQL_USER=${second.user}`);
        expect(mysqlEnv).not.toContain(product.mysqlPassword);
      }
    }

    // The canary (the second login's password) is nowhere but its file and that worker's credentials.
    const shown =
      (await c.systemctl('show', units.one, units.two)).stdout + (await c.systemctl('cat', units.two)).stdout;
    expect(shown).not.toContain(second.password);
    expect((await c.exec(['journalctl', '--no-pager', '-o', 'cat'])).stdout).not.toContain(second.password);
    const found = await c.exec(['grep', '-rl', second.password, STATE, CONFIG, '/run/credentials']);
    expect(found.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [`${CONFIG}/credentials.d/second.env`, `/run/credentials/${units.two}/mysql.env`].sort(),
    );
    const status = await product.cli(['status', '--json']);
    expect(status.stdout).toContain(names.two);
    expect(status.stdout + status.stderr).not.toContain(second.password);
  });
});
