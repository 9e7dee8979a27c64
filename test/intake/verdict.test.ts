// Verdict files: what the creator writes, what submit reads back and prints.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatVerdict,
  makeVerdict,
  parseVerdict,
  shellQuote,
  writeVerdict,
  type Verdict,
} from '../../src/intake/verdict.js';
import { registerSecrets } from '../../src/logging/redact.js';

const base = {
  request_id: '20261123T101500123Z-TOR-BGO-150KingW-0a1b2c',
  database: 'TOR-BGO-150KingW',
  unit: 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service',
  action: 'sync' as const,
  reasons: [],
  unit_state: 'active',
  unit_status: 'wave 1700000000 synced, lag 4 s',
  duration_ms: 812,
};

describe('verdicts', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('marks started, restarted, unchanged and removed as accepted, rejected and failed not', () => {
    for (const outcome of ['started', 'restarted', 'unchanged', 'removed'] as const) {
      expect(makeVerdict({ ...base, outcome }).accepted).toBe(true);
    }
    for (const outcome of ['rejected', 'failed'] as const)
      expect(makeVerdict({ ...base, outcome }).accepted).toBe(false);
  });

  it('round-trips through the file, written without a temp file left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbp-verdict-'));
    dirs.push(dir);
    const verdict = makeVerdict({ ...base, outcome: 'started' }, new Date('2026-11-23T10:15:01Z'));
    const path = await writeVerdict(dir, verdict);
    expect(path).toBe(join(dir, `${base.request_id}.verdict.json`));
    expect(await readdir(dir)).toEqual([`${base.request_id}.verdict.json`]);
    expect(parseVerdict(await readFile(path, 'utf8'))).toEqual(verdict);
    expect(verdict.time).toBe('2026-11-23T10:15:01.000Z');
  });

  it('stores the verdict redacted: reasons and the worker status that quote a secret', async () => {
    const password = 'Vrd-canary-51c2';
    registerSecrets([password]);
    const dir = await mkdtemp(join(tmpdir(), 'dbp-verdict-'));
    dirs.push(dir);
    const verdict = makeVerdict({
      ...base,
      outcome: 'failed',
      reasons: [`server: got "${password}"; expected a host`, 'see mongodb://app:url-pw-31@db:27017'],
      unit_status: `failing: Access denied for user 'u_${password}'@'localhost'`,
    });
    const file = await readFile(await writeVerdict(dir, verdict), 'utf8');
    expect(file).not.toContain(password);
    expect(file).not.toContain('url-pw-31');
    const stored = parseVerdict(file)!;
    expect(stored.reasons).toEqual(['server: got "***"; expected a host', 'see mongodb://app:***@db:27017']);
    expect(formatVerdict(stored)).toContain("status: failing: Access denied for user 'u_***'@'localhost'");
  });

  it('parses nothing from half a file or another shape', () => {
    expect(parseVerdict('{"request_id": "x", ')).toBeUndefined();
    expect(parseVerdict('{"request_id": "x"}')).toBeUndefined();
  });

  it('prints an accepted verdict with the unit and copy-pasteable commands to watch it', () => {
    const text = formatVerdict(makeVerdict({ ...base, outcome: 'started' }));
    expect(text).toBe(
      [
        'accepted: TOR-BGO-150KingW started as db-proxy@TOR\\x2dBGO\\x2d150KingW.service (active)',
        '  status: wave 1700000000 synced, lag 4 s',
        'watch it with:',
        "  systemctl status 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service'",
        "  journalctl -u 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service' -f",
        '',
      ].join('\n'),
    );
  });

  it('prints a rejection with every reason and no watch commands', () => {
    const verdict: Verdict = makeVerdict({
      ...base,
      outcome: 'rejected',
      reasons: [
        'sleep_time: got 0 (number); expected a number of seconds greater than 0',
        'the running project TOR-BGO-150KingW was left as it was',
      ],
      unit_state: null,
      unit_status: null,
    });
    expect(formatVerdict(verdict)).toBe(
      [
        'rejected: TOR-BGO-150KingW: the request was refused',
        '  sleep_time: got 0 (number); expected a number of seconds greater than 0',
        '  the running project TOR-BGO-150KingW was left as it was',
        '',
      ].join('\n'),
    );
  });

  it('quotes words a shell would mangle', () => {
    expect(shellQuote('db-proxy@plain_name.service')).toBe('db-proxy@plain_name.service');
    expect(shellQuote('a\\x2db')).toBe("'a\\x2db'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
