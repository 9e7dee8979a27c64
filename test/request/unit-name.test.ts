// systemd's 255-byte unit-name limit: the request schema checks it with the default prefix,
// mergeConfig (the creator) with the configured unit_prefix.
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../src/config/effective.js';
import { DefaultsSchema } from '../../src/config/defaults-schema.js';
import { parseRequestValue } from '../../src/request/parse.js';
import { EXAMPLE_REQUEST } from '../../src/request/template.js';
import { UNIT_NAME_MAX, unitNameProblem } from '../../src/request/unit-name.js';
import { projectUnitName } from '../../src/systemd/escape.js';

describe('unit-name limit', () => {
  it('counts the escaped instance, the prefix and ".service": 255 bytes pass, 256 do not', () => {
    const fits = `a${'-'.repeat(59)}`; // 9 + 1 + 236 + 8 = 254
    expect(Buffer.byteLength(projectUnitName('db-proxy', fits))).toBe(254);
    expect(unitNameProblem('db-proxy', fits)).toBeUndefined();
    expect(unitNameProblem('db-proxy', `${fits}b`)).toBeUndefined(); // 255
    expect(unitNameProblem('db-proxy', `${fits}bc`)).toMatch(/this one is 256 bytes/);
    expect(UNIT_NAME_MAX).toBe(255);
  });

  it('the request schema refuses such a database, naming the field and the limit', () => {
    const database = `a${'-'.repeat(63)}`;
    const result = parseRequestValue({ ...EXAMPLE_REQUEST, database });
    expect(result).toEqual({
      ok: false,
      issues: [
        `database: got "${database}" (string); expected a name whose unit name db-proxy@<escaped name>.service is at most 255 bytes (systemd's limit); this one is 270 bytes, as every "-" escapes to "\\x2d": use a shorter name or fewer "-"`,
      ],
    });
  });

  it('mergeConfig refuses a database that fits the default prefix but not the configured one', () => {
    const request = { ...EXAMPLE_REQUEST, database: `a${'-'.repeat(59)}` };
    expect(mergeConfig(request, DefaultsSchema.parse({})).ok).toBe(true);
    const result = mergeConfig(request, DefaultsSchema.parse({ unit_prefix: 'db-proxy-prod' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual([
      expect.stringMatching(/^database: got "a-+" \(string\); expected a name whose unit name db-proxy-prod@/),
    ]);
  });
});
