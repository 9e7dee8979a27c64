// createLogger: journald priority prefixes, key=value fields, plain and tty styles, levels, and redaction of secrets.
import { PassThrough } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { createLogger, detectStyle, formatFields, type LoggerOptions, type Logger } from '../../src/logging/logger.js';
import { registerSecrets } from '../../src/logging/redact.js';

/** A logger writing to a stream, and a function returning the lines written so far. */
function capture(options: Omit<LoggerOptions, 'stream'>): { logger: Logger; lines: () => Promise<string[]> } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const logger = createLogger({ ...options, stream });
  const lines = async (): Promise<string[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return text.split('\n').filter((line) => line !== '');
  };
  return { logger, lines };
}

describe('journal style', () => {
  it('prefixes each line with its sd-daemon priority', async () => {
    const { logger, lines } = capture({ style: 'journal', level: 'debug' });
    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    expect(await lines()).toEqual(['<3>e', '<4>w', '<6>i', '<7>d']);
  });

  it('renders fields as key=value, quoting values with spaces', async () => {
    const { logger, lines } = capture({ style: 'journal' });
    logger.info('synced', {
      waves: 3,
      collection: 'TOR;TL_measures;E 1;300',
      at: new Date(0),
      ok: true,
      none: undefined,
    });
    expect(await lines()).toEqual([
      '<6>synced waves=3 collection="TOR;TL_measures;E 1;300" at=1970-01-01T00:00:00.000Z ok=true',
    ]);
  });

  it('adds the fields of a child logger', async () => {
    const { logger, lines } = capture({ style: 'journal' });
    logger.child({ project: 'TOR-BGO-150KingW' }).warn('slow cycle', { seconds: 12 });
    expect(await lines()).toEqual(['<4>slow cycle project=TOR-BGO-150KingW seconds=12']);
  });

  it('keeps a multi-line message on one line, so journald keeps its priority', async () => {
    const { logger, lines } = capture({ style: 'journal' });
    logger.error('first\nsecond');
    expect(await lines()).toEqual(['<3>first | second']);
  });

  it('shows the message of an Error field, not "{}"', async () => {
    const { logger, lines } = capture({ style: 'journal' });
    logger.error('cycle failed', { error: new Error('connection refused') });
    expect(await lines()).toEqual(['<3>cycle failed error="connection refused"']);
  });
});

describe('levels', () => {
  it('drops lines below the level; info by default', async () => {
    const { logger, lines } = capture({ style: 'journal' });
    logger.debug('hidden');
    logger.info('shown');
    expect(await lines()).toEqual(['<6>shown']);
  });

  it('keeps only errors at level error', async () => {
    const { logger, lines } = capture({ style: 'journal', level: 'error' });
    logger.warn('hidden');
    logger.error('shown');
    expect(await lines()).toEqual(['<3>shown']);
  });
});

describe('secrets', () => {
  it('never prints a registered secret, in the message or in a field', async () => {
    registerSecrets(['logger-test-pa55word']);
    const { logger, lines } = capture({ style: 'journal' });
    logger.error('login with logger-test-pa55word failed', {
      url: 'mysql://sync:logger-test-pa55word@db/x',
      password: 'logger-test-pa55word',
    });
    const output = (await lines()).join('\n');
    expect(output).not.toContain('logger-test-pa55word');
    expect(output).toBe('<3>login with *** failed url=mysql://sync:***@db/x password=***');
  });

  it('never prints a secret that JSON quoting would escape', async () => {
    const secret = 'quote"d pass\\word';
    registerSecrets([secret]);
    const { logger, lines } = capture({ style: 'journal' });
    logger.error('failed', { password: secret, nested: { password: secret } });
    const output = (await lines()).join('\n');
    expect(output).not.toContain('quote');
    expect(output).toBe('<3>failed password=*** nested={"password":"***"}');
  });
});

describe('plain and tty styles', () => {
  it('plain: timestamp, padded level and text, without ANSI codes', async () => {
    const { logger, lines } = capture({ style: 'plain', level: 'debug' });
    logger.warn('slow', { seconds: 2 });
    logger.debug('detail');
    const output = await lines();
    expect(output.join('\n')).not.toContain('\x1b');
    expect(output).toHaveLength(2);
    expect(output[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn  slow seconds=2$/);
    expect(output[1]).toMatch(/^\S+Z debug detail$/);
  });

  it('tty: coloured level', async () => {
    const { logger, lines } = capture({ style: 'tty' });
    logger.error('boom');
    const [line = ''] = await lines();
    expect(line).toContain('\x1b[31merror\x1b[0m boom');
  });
});

describe('detectStyle', () => {
  const pipe = new PassThrough();
  it('picks journal under systemd', () => {
    expect(detectStyle(pipe, { JOURNAL_STREAM: '8:1234' })).toBe('journal');
    expect(detectStyle(pipe, { INVOCATION_ID: 'abc' })).toBe('journal');
  });

  it('picks plain for a pipe and tty for a terminal', () => {
    expect(detectStyle(pipe, {})).toBe('plain');
    expect(detectStyle(Object.assign(new PassThrough(), { isTTY: true }), {})).toBe('tty');
  });
});

describe('formatFields', () => {
  it('quotes empty strings and strings with "=" or quotes, and serialises objects', () => {
    expect(formatFields({ a: '', b: 'x=y', c: 'say "hi"', d: [1, 2], e: null })).toBe(
      'a="" b="x=y" c="say \\"hi\\"" d=[1,2] e=null',
    );
  });
});
