// In a container (DB_PROXY_LOG_STREAM=stdout, set by the worker's Deployment) the lines go to
// stdout, in the same plain format, without journald's priority prefixes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.DB_PROXY_LOG_STREAM;
});

describe('the log stream', () => {
  it('writes to stdout when DB_PROXY_LOG_STREAM=stdout, plain, without a priority prefix', async () => {
    process.env.DB_PROXY_LOG_STREAM = 'stdout';
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (out.push(String(chunk)), true),
    );
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (err.push(String(chunk)), true),
    );
    createLogger({ style: 'plain' }).error('worker ready', { project: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(err).toEqual([]);
    expect(out.join('')).toMatch(/^\S+Z error worker ready project=x\n$/);
  });

  it('writes to stderr otherwise', async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (err.push(String(chunk)), true),
    );
    createLogger({ style: 'plain' }).info('hello');
    await new Promise((resolve) => setImmediate(resolve));
    expect(err.join('')).toContain('info  hello');
  });
});
