// The template and example requests: their text, and the copies shipped in requests/.
import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { EXAMPLE_REQUEST, renderTemplate } from '../../src/request/template.js';
import { REQUEST_KEYS } from '../../src/request/schema.js';
import { parseRequestText } from '../../src/request/parse.js';

const repoFile = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('renderTemplate', () => {
  it('disables every request key with a leading "_", in schema order, with the example values', () => {
    const template = JSON.parse(renderTemplate()) as Record<string, unknown>;
    expect(Object.keys(template)).toEqual(REQUEST_KEYS.map((key) => `_${key}`));
    for (const key of REQUEST_KEYS) expect(template[`_${key}`]).toEqual(EXAMPLE_REQUEST[key]);
  });

  it('is two-space indented JSON ending with one newline', () => {
    const text = renderTemplate();
    expect(text.startsWith('{\n  "_wave_counter_threshold": 1617753611,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('becomes the example once the "_" are removed', () => {
    expect(parseRequestText(renderTemplate().replace(/"_/g, '"'))).toEqual({ ok: true, value: EXAMPLE_REQUEST });
  });
});

describe('files in requests/', () => {
  it('request.json is the template, byte for byte', async () => {
    expect(await repoFile('requests/request.json')).toBe(renderTemplate());
  });

  it('example.json is the example request, and valid', async () => {
    const text = await repoFile('requests/example.json');
    expect(text).toBe(`${JSON.stringify(EXAMPLE_REQUEST, null, 2)}\n`);
    expect(parseRequestText(text)).toEqual({ ok: true, value: EXAMPLE_REQUEST });
  });
});
