// The creator's pure planning: project files, drop-in and the hash that tells changed from unchanged.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { mergeConfig, type EffectiveConfig } from '../../src/config/effective.js';
import { canonicalJson, parseProjectState, planProject } from '../../src/creator/project-files.js';
import type { Request } from '../../src/request/schema.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';

const template = readFileSync(
  fileURLToPath(new URL('../../templates/project-drop-in.conf.hbs', import.meta.url)),
  'utf8',
);
const golden = fileURLToPath(new URL('../systemd/golden/project-drop-in.conf', import.meta.url));

function effective(request: Request, defaults: object = {}): EffectiveConfig {
  const merged = mergeConfig(request, DefaultsSchema.parse(defaults));
  if (!merged.ok) throw new Error(merged.issues.join('\n'));
  return merged.value;
}

const at = new Date('2026-11-23T10:15:00Z');

describe('planProject', () => {
  const plan = planProject(EXAMPLE_REQUEST, effective(EXAMPLE_REQUEST), template, 'req-1', at);

  it('names the unit as systemd-escape does and renders the golden drop-in', () => {
    expect(plan.unit).toBe('db-proxy@TOR\\x2dBGO\\x2d150KingW.service');
    const expected = readFileSync(golden, 'utf8')
      .replace(/Configuration [0-9a-f]+\./, `Configuration ${plan.configHash}.`)
      .replace(/DB_PROXY_CONFIG_HASH=[0-9a-f]+/, `DB_PROXY_CONFIG_HASH=${plan.configHash}`);
    expect(plan.dropIn).toBe(expected);
  });

  it("loads only the project's own secrets: mongo.env and its server's MySQL login", () => {
    expect(plan.dropIn).toContain('\nLoadCredential=\nLoadCredential=mongo.env:/etc/db-proxy/mongo.env\n');
    expect(plan.dropIn).toContain('\nLoadCredential=mysql.env:/etc/db-proxy/credentials.d/default.env\n');
    const named = planProject(
      EXAMPLE_REQUEST,
      effective(EXAMPLE_REQUEST, { mysql: { servers: { 'mysql.example.internal': { credentials: 'bgo' } } } }),
      template,
      'req-2',
      at,
      '/srv/dbp/etc',
    );
    expect(named.dropIn).toContain('\nLoadCredential=mongo.env:/srv/dbp/etc/mongo.env\n');
    expect(named.dropIn).toContain('\nLoadCredential=mysql.env:/srv/dbp/etc/credentials.d/bgo.env\n');
    expect(named.configHash).not.toBe(plan.configHash);
  });

  it("keeps the unit's Description= short however many packages a request names", () => {
    const names = Array.from({ length: 200 }, (_, i) => `Extraction_${i}_dev_a`);
    const many = { ...EXAMPLE_REQUEST, monitory_name_kept: names };
    const description = /^Description=.*$/m.exec(planProject(many, effective(many), template, 'req-3', at).dropIn)?.[0];
    expect(description).toBe(
      'Description=db-proxy sync of TOR-BGO-150KingW (TL_measures: Extraction_0_dev_a, Extraction_1_dev_a, ' +
        'Extraction_2_dev_a, Extraction_3_dev_a, Extraction_4_dev_a and 195 more) from mysql.example.internal',
    );
  });

  it('writes the request, the effective configuration (no secrets) and the state', () => {
    expect(Object.keys(plan.files).sort()).toEqual(['effective.json', 'project.json', 'request.json']);
    expect(JSON.parse(plan.files['request.json']!)).toEqual(EXAMPLE_REQUEST);
    const written = JSON.parse(plan.files['effective.json']!) as EffectiveConfig;
    expect(written.mongoDatabase).toBe('db_proxy');
    expect(plan.files['effective.json']).not.toMatch(/MONGO_URL|PASSWORD|mongodb:\/\//);
    expect(parseProjectState(plan.files['project.json']!)).toEqual({
      database: 'TOR-BGO-150KingW',
      unit: plan.unit,
      config_hash: plan.configHash,
      request_id: 'req-1',
      applied_at: '2026-11-23T10:15:00.000Z',
    });
  });

  it('gives the same hash for the same settings in another key order, at another time, by another request', () => {
    const reordered = Object.fromEntries(Object.entries(EXAMPLE_REQUEST).reverse()) as Request;
    const again = planProject(reordered, effective(reordered), template, 'req-2', new Date());
    expect(again.configHash).toBe(plan.configHash);
    expect(again.dropIn).toBe(plan.dropIn);
  });

  it('changes the hash when the request, the defaults or the drop-in template change', () => {
    const changed = { ...EXAMPLE_REQUEST, sleep_time: 6 };
    expect(planProject(changed, effective(changed), template, 'r', at).configHash).not.toBe(plan.configHash);
    const otherDefaults = effective(EXAMPLE_REQUEST, { sync: { waves_per_query: 8 } });
    expect(planProject(EXAMPLE_REQUEST, otherDefaults, template, 'r', at).configHash).not.toBe(plan.configHash);
    expect(
      planProject(EXAMPLE_REQUEST, effective(EXAMPLE_REQUEST), `${template}\n# v2\n`, 'r', at).configHash,
    ).not.toBe(plan.configHash);
  });

  it('follows the unit prefix of the private defaults', () => {
    const custom = planProject(EXAMPLE_REQUEST, effective(EXAMPLE_REQUEST, { unit_prefix: 'dbp' }), template, 'r', at);
    expect(custom.unit).toBe('dbp@TOR\\x2dBGO\\x2d150KingW.service');
    expect(custom.dropIn).toContain('SyslogIdentifier=dbp-TOR-BGO-150KingW\n');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});

describe('parseProjectState', () => {
  it('returns undefined for damaged state', () => {
    expect(parseProjectState('')).toBeUndefined();
    expect(parseProjectState('{"database": "x"}')).toBeUndefined();
  });
});
