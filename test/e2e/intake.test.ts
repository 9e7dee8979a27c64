// The drop folder as an attack surface, under a real systemd (install.sh in a throw-away
// container): a FIFO, a symlink to a root-only file, an oversized request and a slow writer, each
// dropped by an operator of the group and each followed by a valid submit that is accepted within
// 5 s; and the sticky drop folder, so one operator cannot rename or delete another's request.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropMongoDatabase } from '../support/mongo.js';
import { createSourceDatabase, type SourceDatabase } from '../support/mysql.js';
import { SRC, STATE, WORK, installInContainer, type Installed } from './support/installed.js';

const CANARY = `canary-${Math.random().toString(16).slice(2, 10)}`;

describe('the drop folder under a real systemd', () => {
  const mongoUrl = inject('mongoUrl');
  const database = `dbp_e2e_intake_${Math.random().toString(16).slice(2, 8)}`;
  let source: SourceDatabase;
  let product: Installed;

  beforeAll(async () => {
    source = await createSourceDatabase({ name: database });
    product = await installInContainer(mongoUrl, [database]);
    const users = await product.container.shell(
      'useradd -m -G db-proxy-operators dbp-alice && useradd -m -G db-proxy-operators dbp-carol',
    );
    expect(users.exitCode, users.stderr).toBe(0);
    // The project every later submit resubmits; its first start may take longer on a busy host.
    expect(await submitValid(60)).toMatchObject({ accepted: true, outcome: 'started', unit_state: 'active' });
  }, 8 * 60_000);

  afterAll(async () => {
    await product?.dispose();
    await source?.drop().catch(() => undefined);
    if (product) await dropMongoDatabase(mongoUrl, product.mongoDatabase).catch(() => undefined);
  });

  const asAlice = (script: string) =>
    product.container.exec(['runuser', '-u', 'dbp-alice', '--', 'bash', '-c', `cd ${STATE}/requests && ${script}`], {
      timeoutMs: 60_000,
    });

  const request = {
    wave_counter_threshold: 0,
    delete_old_value: 1,
    monitory_name_kept: ['Extraction_1_dev_a'],
    measures: 'TL_measures',
    database,
    server: '127.0.0.1:3306',
    sleep_time: 1,
  };

  async function submitValid(timeoutSeconds: number): Promise<Record<string, unknown>> {
    await product.container.writeFile(`${WORK}/requests/request.json`, JSON.stringify(request));
    const result = await product.cli(['submit', '--json', '--timeout', String(timeoutSeconds)]);
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /**
   * After a hostile entry, the creator still takes requests: the project's request again, which
   * the creator reads, validates and compares (`unchanged`, the unit left running), within 5 s.
   */
  async function expectValidSubmitAccepted(): Promise<void> {
    expect(await submitValid(5)).toMatchObject({ accepted: true, outcome: 'unchanged', database });
  }

  /** The verdict is written first; the refused entry leaves the drop folder a moment later. */
  async function gone(...paths: string[]): Promise<void> {
    await product.container.waitFor(
      async () =>
        (
          await product.container.exec([
            'bash',
            '-c',
            'for p; do if test -e "$p" || test -L "$p"; then exit 1; fi; done',
            'gone',
            ...paths,
          ])
        ).exitCode === 0,
      5000,
      `${paths.join(', ')} to leave the drop folder`,
    );
  }

  async function expectRefused(id: string, reason: RegExp): Promise<Record<string, unknown>> {
    const { dir, verdict } = await product.verdict(id, 30_000);
    expect(dir).toBe('failed');
    expect(verdict).toMatchObject({ outcome: 'rejected', accepted: false });
    expect((verdict.reasons as string[]).join('\n')).toMatch(reason);
    return verdict;
  }

  it("the drop folder is 3770 (sticky): an operator cannot rename or delete another operator's request", async () => {
    const c = product.container;
    expect((await c.exec(['stat', '-c', '%a %U:%G', `${STATE}/requests`])).stdout.trim()).toBe(
      '3770 root:db-proxy-operators',
    );
    // A hidden file is ignored by the creator, so it stays for the others to try.
    expect((await asAlice(`echo '{}' > .alice.json.tmp`)).exitCode).toBe(0);
    const asCarol = (script: string) =>
      c.exec(['runuser', '-u', 'dbp-carol', '--', 'bash', '-c', `cd ${STATE}/requests && ${script}`]);
    const moved = await asCarol('mv .alice.json.tmp carol.json');
    expect(moved.exitCode).not.toBe(0);
    expect(moved.stderr).toContain('Operation not permitted');
    const removed = await asCarol('rm -f .alice.json.tmp');
    expect(removed.exitCode).not.toBe(0);
    expect(removed.stderr).toContain('Operation not permitted');
    expect((await c.exec(['test', '-f', `${STATE}/requests/.alice.json.tmp`])).exitCode).toBe(0);
    expect((await asAlice('rm .alice.json.tmp')).exitCode).toBe(0);
  });

  it(
    'install.sh gives an existing 2770 drop folder the sticky bit',
    async () => {
      const c = product.container;
      await c.exec(['chmod', '2770', `${STATE}/requests`]);
      const again = await c.exec([`${SRC}/install.sh`], { timeoutMs: 5 * 60_000 });
      expect(again.exitCode, again.stderr).toBe(0);
      expect((await c.exec(['stat', '-c', '%a', `${STATE}/requests`])).stdout.trim()).toBe('3770');
    },
    6 * 60_000,
  );

  it('a FIFO gets a verdict unread and is removed; intake goes on', async () => {
    // Four of them used to block every file-reading thread of the creator.
    expect((await asAlice('mkfifo x1.json x2.json x3.json x4.json')).exitCode).toBe(0);
    for (const id of ['x1', 'x2', 'x3', 'x4']) await expectRefused(id, /^a FIFO \(named pipe\), not a regular file/);
    await gone(
      `${STATE}/requests/x1.json`,
      `${STATE}/requests/x2.json`,
      `${STATE}/requests/x3.json`,
      `${STATE}/requests/x4.json`,
    );
    expect((await product.container.exec(['ls', '-A', `${STATE}/requests`])).stdout.trim()).toBe('');
    await expectValidSubmitAccepted();
  });

  it('a symlink to a root-only file is never followed: its values appear in no verdict and no log', async () => {
    const c = product.container;
    const secret = JSON.stringify({ database: CANARY, server: CANARY });
    await c.writeFile('/root/secret.json', secret, '0600');
    expect((await asAlice('ln -s /root/secret.json l.json')).exitCode).toBe(0);
    const verdict = await expectRefused('l', /^a symbolic link, not a regular file/);
    expect(JSON.stringify(verdict)).not.toContain(CANARY);
    await gone(`${STATE}/requests/l.json`);
    expect((await c.exec(['cat', '/root/secret.json'])).stdout).toBe(secret);
    await expectValidSubmitAccepted();
    expect((await c.exec(['journalctl', '--no-pager', '-o', 'cat'])).stdout).not.toContain(CANARY);
  });

  it('an oversized request is refused by its size, unread, and the creator stays up', async () => {
    const c = product.container;
    const pid = (await product.show('db-proxy-creator.service', 'MainPID')).MainPID;
    // 200 MB, sparse: its size is what is refused.
    expect((await asAlice('truncate -s 200000000 .big.tmp && mv .big.tmp big.json')).exitCode).toBe(0);
    await expectRefused('big', /^too large: 200000000 bytes; a request is at most 1 MiB \(1048576 bytes\)/);
    expect((await product.show('db-proxy-creator.service', 'MainPID')).MainPID).toBe(pid);
    await gone(`${STATE}/requests/big.json`);
    expect((await c.exec(['test', '-f', `${STATE}/failed/big.json`])).exitCode).toBe(0);
    await expectValidSubmitAccepted();
  });

  it('a slow writer (half, a 5 s pause, the rest) gets one accepted verdict and nothing in failed/', async () => {
    const c = product.container;
    // The project's own request (judged complete, it is `unchanged`): no restart to wait for.
    const text = JSON.stringify(request, null, 2);
    const half = Math.floor(text.length / 2);
    await c.writeFile('/tmp/slow-request.json', text, '0644');
    const written = await asAlice(
      `head -c ${half} /tmp/slow-request.json > slow.json && sleep 5 && tail -c +${half + 1} /tmp/slow-request.json >> slow.json`,
    );
    expect(written.exitCode, written.stderr).toBe(0);
    const { dir, verdict } = await product.verdict('slow', 30_000);
    expect(dir).toBe('processed');
    expect(verdict.accepted).toBe(true);
    expect(verdict.outcome).toBe('unchanged');
    expect((await c.exec(['ls', '-A', `${STATE}/failed`])).stdout).not.toContain('slow');
    await expectValidSubmitAccepted();
  });
});
