// mergeConfig: the request merged over the private defaults, the allow-list of servers, debug mode.
import { describe, it, expect } from 'vitest';
import { differingPaths, mergeConfig, type EffectiveConfig } from '../../src/config/effective.js';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';
import type { Request } from '../../src/request/schema.js';

const builtIn = DefaultsSchema.parse({});

function merged(request: Request, defaults: object = {}): EffectiveConfig {
  const result = mergeConfig(request, DefaultsSchema.parse(defaults));
  if (!result.ok) throw new Error(`expected the merge to succeed: ${result.issues.join('; ')}`);
  return result.value;
}

describe('mergeConfig', () => {
  it('applies the built-in defaults to the example request', () => {
    expect(merged(EXAMPLE_REQUEST)).toEqual({
      request: EXAMPLE_REQUEST,
      mysql: {
        host: 'mysql.example.internal',
        port: 3306,
        database: 'TOR-BGO-150KingW',
        entry: null,
        tls: 'verify-identity',
        tls_set_by: 'the default',
        ca_file: null,
        ca_file_set_by: null,
        credentials: null,
      },
      mongoDatabase: 'db_proxy',
      source: builtIn.source,
      sync: builtIn.sync,
      logLevel: 'info',
      debug: false,
      heartbeatIntervalSeconds: 60,
      unitPrefix: 'db-proxy',
    });
    expect(builtIn.source.cycle_table).toBe('extraction_cycle');
  });

  it('takes the private defaults over the built-in ones', () => {
    const config = merged(EXAMPLE_REQUEST, {
      mongo_database: 'pivots',
      unit_prefix: 'dbp',
      log_level: 'warn',
      heartbeat_interval_seconds: 15,
      source: { cycle_table: 'cycles' },
      sync: { waves_per_query: 8 },
    });
    expect(config.mongoDatabase).toBe('pivots');
    expect(config.unitPrefix).toBe('dbp');
    expect(config.logLevel).toBe('warn');
    expect(config.heartbeatIntervalSeconds).toBe(15);
    expect(config.source).toEqual({ ...builtIn.source, cycle_table: 'cycles' });
    expect(config.sync).toEqual({ ...builtIn.sync, waves_per_query: 8 });
  });

  it('reads the port of host:port', () => {
    expect(merged({ ...EXAMPLE_REQUEST, server: '10.0.0.1:3307' }).mysql).toMatchObject({
      host: '10.0.0.1',
      port: 3307,
      database: 'TOR-BGO-150KingW',
    });
  });

  it('forces the debug log level in debug mode, whatever log_level says', () => {
    const config = merged(EXAMPLE_REQUEST, { debug: true, log_level: 'error' });
    expect(config.debug).toBe(true);
    expect(config.logLevel).toBe('debug');
  });
});

describe('allowed_servers', () => {
  it('refuses a server that is not in the list, naming it and the allowed ones', () => {
    const result = mergeConfig(EXAMPLE_REQUEST, DefaultsSchema.parse({ allowed_servers: ['db1:3306', 'db2'] }));
    expect(result).toEqual({
      ok: false,
      issues: ['server: got "mysql.example.internal" (string); expected one of the allowed servers: db1:3306, db2'],
    });
  });

  it('refuses the right host on another port', () => {
    const result = mergeConfig(
      { ...EXAMPLE_REQUEST, server: 'db1:3307' },
      DefaultsSchema.parse({ allowed_servers: ['db1'] }),
    );
    expect(result.ok).toBe(false);
  });

  it.each([
    ['the same text', 'db1:3307', ['db1:3307']],
    ['the default port written out', 'db1', ['db1:3306']],
    ['the default port left out', 'db1:3306', ['db1']],
    ['a host name in another case', 'DB1.internal', ['db1.internal']],
  ])('accepts %s', (_label, server, allowed) => {
    expect(mergeConfig({ ...EXAMPLE_REQUEST, server }, DefaultsSchema.parse({ allowed_servers: allowed })).ok).toBe(
      true,
    );
  });

  it('allows any server when no list is set', () => {
    expect(mergeConfig({ ...EXAMPLE_REQUEST, server: 'anything:1' }, builtIn).ok).toBe(true);
  });
});

describe('differingPaths', () => {
  it('is empty for the same configuration, also after a JSON round trip', () => {
    const config = merged(EXAMPLE_REQUEST);
    expect(
      differingPaths(JSON.parse(JSON.stringify(config)), JSON.parse(JSON.stringify(merged(EXAMPLE_REQUEST)))),
    ).toEqual([]);
  });

  it('names each leaf that changed, was added or was removed, arrays as wholes', () => {
    const recorded = JSON.parse(JSON.stringify(merged(EXAMPLE_REQUEST))) as Record<string, Record<string, unknown>>;
    const current = JSON.parse(
      JSON.stringify(merged({ ...EXAMPLE_REQUEST, monitory_name_kept: ['Extraction_9'] }, { log_level: 'debug' })),
    ) as Record<string, Record<string, unknown>>;
    delete recorded.sync!.query_timeout_seconds;
    expect(differingPaths(current, recorded)).toEqual([
      'logLevel',
      'request.monitory_name_kept',
      'sync.query_timeout_seconds',
    ]);
    expect(differingPaths({ a: 1 }, null)).toEqual(['(the whole file)']);
  });
});
