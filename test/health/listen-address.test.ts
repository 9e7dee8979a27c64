// The metrics address: host:port, IPv6 in brackets, everything else refused.
import { describe, expect, it } from 'vitest';
import { formatListenAddress, parseListenAddress } from '../../src/health/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:1', { host: '0.0.0.0', port: 1 }],
    ['localhost:65535', { host: 'localhost', port: 65_535 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
  ])('takes %s', (text, address) => {
    expect(parseListenAddress(text)).toEqual(address);
    expect(formatListenAddress(address)).toBe(text);
  });

  it.each([
    '9464',
    ':9464',
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '::1:9464',
    '[nope]:1',
    'a b:1',
    'h:1x',
    '-x:1',
    'a..b:1',
    '[::1]:',
  ])('refuses %s', (text) => {
    expect(parseListenAddress(text)).toBeUndefined();
  });
});
