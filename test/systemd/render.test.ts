// Rendering of the unit templates: golden files (UPDATE_GOLDEN=1 rewrites them) and refusal of
// values that could inject directives.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTemplate, type DropInContext, type InstallContext } from '../../src/systemd/render.js';

const units = fileURLToPath(new URL('../../units/', import.meta.url));
const templates = fileURLToPath(new URL('../../templates/', import.meta.url));
const golden = fileURLToPath(new URL('./golden/', import.meta.url));

const install: InstallContext = {
  nodePath: '/opt/db-proxy/runtime/bin/node',
  appDir: '/opt/db-proxy/app',
  configDir: '/etc/db-proxy',
  stateDir: '/var/lib/db-proxy',
  user: 'db-proxy',
  group: 'db-proxy',
  operatorsGroup: 'db-proxy-operators',
  monitorUser: 'db-proxy',
  unitPrefix: 'db-proxy',
};

const dropIn: DropInContext = {
  database: 'TOR-BGO-150KingW',
  measures: 'TL_measures',
  monitories: 'Extraction_1_dev_a, Extraction_2_dev_a',
  server: 'mysql.example.internal',
  syslogIdentifier: 'db-proxy-TOR-BGO-150KingW',
  configHash: '3f2a9c',
  configDir: '/etc/db-proxy',
  mysqlCredentials: 'default',
};

function expectGolden(name: string, text: string): void {
  const path = `${golden}${name}`;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('unit templates', () => {
  it.each([
    [`${units}db-proxy@.service.hbs`, 'db-proxy@.service', install],
    [`${units}db-proxy-creator.service.hbs`, 'db-proxy-creator.service', install],
    [`${units}db-proxy-monitor.service.hbs`, 'db-proxy-monitor.service', install],
    [`${templates}project-drop-in.conf.hbs`, 'project-drop-in.conf', dropIn],
  ] as const)('%s renders as the golden file', (template, name, context) => {
    const text = renderTemplate(readFileSync(template, 'utf8'), context);
    expect(text).not.toContain('{{');
    expectGolden(name, text);
  });

  it('keeps the worker unprivileged, restart-limited and without MemoryDenyWriteExecute', () => {
    const text = renderTemplate(readFileSync(`${units}db-proxy@.service.hbs`, 'utf8'), install);
    for (const line of [
      'User=db-proxy',
      'Type=notify',
      'Restart=on-failure',
      'RestartPreventExitStatus=78',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    // The MongoDB URL and one MySQL login, never credentials.env (the Slack webhook, other logins).
    expect(text).toContain('LoadCredential=mongo.env:/etc/db-proxy/mongo.env\n');
    expect(text).toContain('LoadCredential=mysql.env:/etc/db-proxy/credentials.d/default.env\n');
    expect(text).not.toContain('credentials.env');
    expect(text).not.toMatch(/^MemoryDenyWriteExecute/m);
  });

  it('gives the operators their own group: the service reads their folders as a member, they never its secrets', () => {
    const worker = renderTemplate(readFileSync(`${units}db-proxy@.service.hbs`, 'utf8'), install);
    expect(worker).toContain('\nUser=db-proxy\nGroup=db-proxy\n');
    expect(worker).toContain('\nSupplementaryGroups=db-proxy-operators\n');
    const creator = renderTemplate(readFileSync(`${units}db-proxy-creator.service.hbs`, 'utf8'), install);
    // Root without capabilities reads the operators' requests by their group.
    expect(creator).toContain('\nSupplementaryGroups=db-proxy-operators\n');
  });

  it('runs the monitor as the service user, or as root where systemd has no D-Bus', () => {
    const template = readFileSync(`${units}db-proxy-monitor.service.hbs`, 'utf8');
    const unprivileged = renderTemplate(template, install);
    expect(unprivileged).toContain('\nUser=db-proxy\nGroup=db-proxy\nSupplementaryGroups=db-proxy-operators\n');
    expect(unprivileged).toContain('\nWants=network-online.target dbus.socket\n');
    expect(unprivileged).toContain('\nReadWritePaths=/var/lib/db-proxy/monitor /var/lib/db-proxy/status\n');
    expect(unprivileged).toContain('\nCapabilityBoundingSet=\n');
    expect(renderTemplate(template, { ...install, monitorUser: 'root' })).toContain('\nUser=root\n');
  });

  it('refuses a value with a line break, which could smuggle in a directive', () => {
    expect(() =>
      renderTemplate('Description={{database}}', { ...dropIn, database: 'x\nExecStartPre=/bin/sh' }),
    ).toThrow(/line break/);
  });

  it('fails on a placeholder the context does not provide', () => {
    expect(() => renderTemplate('X={{nope}}', dropIn)).toThrow();
  });
});
