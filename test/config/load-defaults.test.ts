// loadDefaults/parseDefaultsText: built-in defaults, nested defaults filled, unknown keys and wrong types rejected by path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { DEFAULTS_FILE, loadDefaults, parseDefaultsText } from '../../src/config/load-defaults.js';
import { ConfigError, ExitCode } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-defaults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BUILT_IN = {
  unit_prefix: 'db-proxy',
  debug: false,
  log_level: 'info',
  heartbeat_interval_seconds: 60,
  heartbeat_overdue_seconds: 7200,
  mongo_database: 'db_proxy',
  source: {
    cycle_table: 'extraction_cycle',
    cycle_wave_counter: 'wave_counter',
    cycle_monitory_name: 'monitory_name',
    cycle_interval: 'extraction_interval',
    measure_wave_counter: 'wave_counter',
    measure_point_id: 'point_id',
    measure_point_value: 'point_value',
  },
  sync: {
    check_age_fraction: 0.1,
    reconcile_interval_seconds: 21_600,
    change_lookback_seconds: 60,
    retention_interval_seconds: 3600,
    digest_waves_per_query: 512,
    waves_per_query: 64,
    writes_in_flight: 2,
    delete_batch_size: 1000,
    retry_initial_seconds: 1,
    retry_max_seconds: 60,
    connect_timeout_seconds: 10,
    query_timeout_seconds: 120,
  },
  mysql: { servers: {} },
};

/** The lines of the ConfigError thrown for `text`, without the heading. */
function problems(text: string): string[] {
  try {
    parseDefaultsText(text, '/etc/db-proxy/defaults.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const [heading, ...lines] = (error as ConfigError).message.split('\n');
    expect(heading).toMatch(/^\/etc\/db-proxy\/defaults\.json/);
    return lines.map((line) => line.trim());
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('loadDefaults', () => {
  it('returns the built-in defaults when defaults.json does not exist', async () => {
    expect(await loadDefaults(dir)).toEqual(BUILT_IN);
  });

  it('reads defaults.json and fills every key it leaves out, nested ones included', async () => {
    await writeFile(
      join(dir, DEFAULTS_FILE),
      JSON.stringify({ debug: true, source: { cycle_table: 'cycles' }, sync: { waves_per_query: 4 } }),
    );
    expect(await loadDefaults(dir)).toEqual({
      ...BUILT_IN,
      debug: true,
      source: { ...BUILT_IN.source, cycle_table: 'cycles' },
      sync: { ...BUILT_IN.sync, waves_per_query: 4 },
    });
  });

  it('keeps allowed_servers and projects_dir when given', async () => {
    await writeFile(
      join(dir, DEFAULTS_FILE),
      JSON.stringify({ allowed_servers: ['db1', 'db2:3307'], projects_dir: '/srv/projects' }),
    );
    const defaults = await loadDefaults(dir);
    expect(defaults.allowed_servers).toEqual(['db1', 'db2:3307']);
    expect(defaults.projects_dir).toBe('/srv/projects');
  });

  it('refuses an invalid defaults.json with a configuration error (exit 78) naming the file', async () => {
    await writeFile(join(dir, DEFAULTS_FILE), '{"debug": "yes"}');
    const error = await loadDefaults(dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(ExitCode.config);
    expect((error as ConfigError).message).toContain(join(dir, DEFAULTS_FILE));
  });

  it('refuses a configuration directory that cannot be read, rather than using the built-in defaults', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    await expect(loadDefaults(join(dir, 'not-a-dir'))).rejects.toThrow(/cannot read .*not-a-dir\/defaults\.json/);
  });
});

describe('parseDefaultsText', () => {
  it('still accepts the re-scan window of older defaults.json files (now ignored)', () => {
    const defaults = parseDefaultsText('{"sync": {"rescan_window_seconds": 7200}}', '/etc/db-proxy/defaults.json');
    expect(defaults.sync.reconcile_interval_seconds).toBe(21_600);
  });

  it('rejects unknown keys with their path, top-level and nested', () => {
    expect(problems('{"colour": 1, "source": {"cycle_tabel": "x"}, "sync": {"speed": 2}}').sort()).toEqual([
      'colour: unknown key',
      'source.cycle_tabel: unknown key',
      'sync.speed: unknown key',
    ]);
  });

  it.each([
    ['{"debug": "yes"}', 'debug: got "yes" (string); expected true or false'],
    ['{"log_level": "verbose"}', 'log_level: got "verbose" (string); expected one of "error", "warn", "info", "debug"'],
    [
      '{"heartbeat_interval_seconds": "60"}',
      'heartbeat_interval_seconds: got "60" (string); expected a number of seconds greater than 0',
    ],
    [
      '{"heartbeat_overdue_seconds": 0}',
      'heartbeat_overdue_seconds: got 0 (number); expected a number of seconds greater than 0',
    ],
    [
      '{"sync": {"waves_per_query": 1.5}}',
      'sync.waves_per_query: got 1.5 (number); expected a whole number greater than 0',
    ],
    [
      '{"sync": {"rescan_window_seconds": -1}}',
      'sync.rescan_window_seconds: got -1 (number); expected a number of seconds, 0 or more',
    ],
    ['{"source": 5}', 'source: got 5 (number); expected an object of table and column names'],
    [
      '{"sync": {"change_lookback_seconds": 0}}',
      'sync.change_lookback_seconds: got 0 (number); expected a number of seconds greater than 0',
    ],
    [
      '{"allowed_servers": "db1"}',
      'allowed_servers: got "db1" (string); expected a list of MySQL servers, each "host" or "host:port"',
    ],
    ['{"projects_dir": ""}', 'projects_dir: got "" (string); expected a directory path'],
    [
      '{"metrics_listen": "9464"}',
      'metrics_listen: got "9464" (string); expected host:port with a port 1-65535, e.g. "127.0.0.1:9464" or "[::1]:9464"',
    ],
    [
      '{"metrics_listen": "127.0.0.1:99999"}',
      'metrics_listen: got "127.0.0.1:99999" (string); expected host:port with a port 1-65535, e.g. "127.0.0.1:9464" or "[::1]:9464"',
    ],
    ['[]', '(defaults): got [] (array); expected a JSON object'],
  ])('rejects %s', (text, line) => {
    expect(problems(text)).toEqual([line]);
  });

  it('rejects unsafe names in the source mapping and an invalid allowed server', () => {
    const lines = problems('{"source": {"measure_point_id": "id; DROP TABLE x"}, "allowed_servers": ["db1", "db2:0"]}');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.stringMatching(/^source\.measure_point_id: got "id; DROP TABLE x" \(string\); expected a safe identifier/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^allowed_servers\.1: got "db2:0" \(string\); expected "host" or "host:port"/),
    );
  });

  it('takes a change column as a safe identifier, and names the field when it is not', () => {
    expect(parseDefaultsText('{"source": {"measure_change_column": "id"}}', 'x').source.measure_change_column).toBe(
      'id',
    );
    expect(problems('{"source": {"measure_change_column": "id`; --"}}')).toEqual([
      expect.stringMatching(/^source\.measure_change_column: got "id`; --" \(string\); expected a safe identifier/),
    ]);
  });

  it('reports malformed JSON with line and column', () => {
    expect(() =>
      parseDefaultsText('{\n  "debug": true\n  "log_level": "info"\n}', '/etc/db-proxy/defaults.json'),
    ).toThrow(
      "/etc/db-proxy/defaults.json: malformed JSON at line 3, column 3: Expected ',' or '}' after property value",
    );
  });
});
