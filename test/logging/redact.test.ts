// redact/registerSecrets: registered secrets and URL passwords are blanked from any text.
import { describe, it, expect } from 'vitest';
import { redact, redactDeep, registerSecrets } from '../../src/logging/redact.js';

describe('redact', () => {
  it('leaves text without secrets unchanged', () => {
    expect(redact('synced 12 waves of TL_measures')).toBe('synced 12 waves of TL_measures');
  });

  it('blanks every occurrence of a registered secret', () => {
    registerSecrets(['redact-test-s3cret']);
    expect(redact('a redact-test-s3cret b redact-test-s3cret')).toBe('a *** b ***');
  });

  it('replaces the longest secret first, so a URL is blanked whole rather than around its password', () => {
    registerSecrets(['pw-redact-1', 'mysql://u:pw-redact-1@db-redact:3306/x']);
    expect(redact('url mysql://u:pw-redact-1@db-redact:3306/x')).toBe('url ***');
  });

  it('blanks a secret of any length, even one or two characters; only the empty value is no secret', () => {
    registerSecrets(['', 'Q', 'zx']);
    expect(redact('Q: zx;')).toBe('***: ***;');
    expect(redact('nothing here')).toBe('nothing here');
  });

  it('redacts every string of a JSON value, before it is serialised (a secret with a quote survives escaping)', () => {
    registerSecrets(['deep"pw\\x']);
    const value = { reasons: ['got "deep"pw\\x"'], nested: { at: 3, text: 'deep"pw\\x' }, none: null, flag: true };
    expect(redactDeep(value)).toEqual({
      reasons: ['got "***"'],
      nested: { at: 3, text: '***' },
      none: null,
      flag: true,
    });
    expect(JSON.stringify(redactDeep(value))).not.toContain('deep');
  });

  it('blanks the password of any user:password@host URL, registered or not', () => {
    expect(redact('connect mongodb://app:unregistered-pw@mongo:27017/db failed')).toBe(
      'connect mongodb://app:***@mongo:27017/db failed',
    );
    expect(redact('see https://example.org:8443/path')).toBe('see https://example.org:8443/path');
  });
});
