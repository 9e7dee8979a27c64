// Which files in the drop folder are requests, and request ids.
import { describe, expect, it } from 'vitest';
import { isRequestFileName, requestIdOf } from '../../src/intake/layout.js';
import { newRequestId } from '../../src/intake/request-id.js';

describe('isRequestFileName', () => {
  it.each(['request.json', '20261123T101500123Z-TOR-BGO-150KingW-0a1b2c.json', 'a.json'])('takes %s', (name) => {
    expect(isRequestFileName(name)).toBe(true);
  });

  it.each([
    '.20261123T101500123Z-x-0a1b2c.json.tmp', // submit's temp file
    '.hidden.json',
    '.request.json.swp', // vim
    'request.json~', // emacs, gedit backup
    '#request.json#', // emacs autosave
    'request.json.bak',
    'x.verdict.json',
    'notes.txt',
    '.json',
  ])('ignores %s', (name) => {
    expect(isRequestFileName(name)).toBe(false);
  });

  it('strips .json for the id', () => {
    expect(requestIdOf('abc.json')).toBe('abc');
  });
});

describe('newRequestId', () => {
  it('is a safe file name that sorts by time', () => {
    const early = newRequestId('TOR-BGO-150KingW', new Date('2026-11-23T10:15:00.123Z'));
    const late = newRequestId('AAA', new Date('2026-11-23T10:15:00.124Z'));
    expect(early).toMatch(/^20261123T101500123Z-TOR-BGO-150KingW-[0-9a-f]{6}$/);
    expect(early < late).toBe(true);
    expect(isRequestFileName(`${early}.json`)).toBe(true);
  });

  it('is unique for the same database and millisecond', () => {
    const at = new Date();
    const ids = new Set(Array.from({ length: 200 }, () => newRequestId('db', at)));
    expect(ids.size).toBe(200);
  });
});
