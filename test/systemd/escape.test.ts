// Instance-name escaping, checked against the real systemd-escape where it is installed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectUnitName, systemdEscape, systemdUnescape } from '../../src/systemd/escape.js';

const NAMES = ['TOR-BGO-150KingW', 'plain_name', 'a.b', '.hidden', 'x:y', 'sp ace', 'é-ü', 'a/b'];

describe('systemdEscape', () => {
  it('escapes like systemd-escape', () => {
    expect(systemdEscape('TOR-BGO-150KingW')).toBe('TOR\\x2dBGO\\x2d150KingW');
    expect(systemdEscape('.hidden')).toBe('\\x2ehidden');
    expect(systemdEscape('a/b')).toBe('a-b');
  });

  it.runIf(existsSync('/usr/bin/systemd-escape'))('agrees with /usr/bin/systemd-escape', () => {
    for (const name of NAMES) {
      expect(systemdEscape(name)).toBe(
        execFileSync('/usr/bin/systemd-escape', ['--', name], { encoding: 'utf8' }).trim(),
      );
    }
  });

  it('round-trips', () => {
    for (const name of NAMES) expect(systemdUnescape(systemdEscape(name))).toBe(name);
  });

  it('names the project unit', () => {
    expect(projectUnitName('db-proxy', 'TOR-BGO-150KingW')).toBe('db-proxy@TOR\\x2dBGO\\x2d150KingW.service');
  });
});
