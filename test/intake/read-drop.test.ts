// readDropEntry: the creator reads only regular files of their own, never follows a link, never
// waits on a FIFO, and refuses a file larger than the limit by its size, unread.
import { link, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDropEntry } from '../../src/intake/read-drop.js';
import { MAX_REQUEST_BYTES } from '../../src/request/read.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-read-drop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readDropEntry', () => {
  it('reads a regular file once, with its size, mtime and inode', async () => {
    await writeFile(join(dir, 'a.json'), '{"database": "x"}');
    const entry = await readDropEntry(join(dir, 'a.json'));
    expect(entry).toMatchObject({ kind: 'request', text: '{"database": "x"}', size: 17 });
  });

  it('refuses a FIFO without opening it for a writer (it would block for ever)', async () => {
    await execa('mkfifo', [join(dir, 'x.json')]);
    expect(await readDropEntry(join(dir, 'x.json'))).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/^a FIFO \(named pipe\), not a regular file: .*it was not read$/) as unknown,
      keep: false,
    });
  });

  it('never follows a symbolic link: the target is not read', async () => {
    await writeFile(join(dir, 'secret'), '{"database": "secret-value"}');
    await symlink(join(dir, 'secret'), join(dir, 'l.json'));
    const entry = await readDropEntry(join(dir, 'l.json'));
    expect(entry).toMatchObject({ kind: 'refused', keep: false });
    expect(JSON.stringify(entry)).not.toContain('secret-value');
    expect(entry.kind === 'refused' && entry.reason).toMatch(/^a symbolic link, not a regular file/);
  });

  it('refuses a hard link to another file', async () => {
    await writeFile(join(dir, 'secret'), '{"database": "secret-value"}');
    await link(join(dir, 'secret'), join(dir, 'h.json'));
    const entry = await readDropEntry(join(dir, 'h.json'));
    expect(entry).toMatchObject({ kind: 'refused', keep: false });
    expect(JSON.stringify(entry)).not.toContain('secret-value');
  });

  it('refuses a directory and a socket named *.json; a directory is kept to be moved aside', async () => {
    await mkdir(join(dir, 'd.json'));
    expect(await readDropEntry(join(dir, 'd.json'))).toMatchObject({ kind: 'refused', keep: true });
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 's.json'), resolve));
    try {
      const entry = await readDropEntry(join(dir, 's.json'));
      expect(entry.kind === 'refused' && entry.reason).toMatch(/^a socket/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a file larger than 1 MiB by its size, without reading it; exactly 1 MiB is read', async () => {
    await writeFile(join(dir, 'big.json'), '');
    await truncate(join(dir, 'big.json'), 200_000_000);
    expect(await readDropEntry(join(dir, 'big.json'))).toEqual({
      kind: 'refused',
      reason: 'too large: 200000000 bytes; a request is at most 1 MiB (1048576 bytes); it was not read',
      keep: true,
    });
    await writeFile(join(dir, 'max.json'), ' '.repeat(MAX_REQUEST_BYTES));
    expect(await readDropEntry(join(dir, 'max.json'))).toMatchObject({ kind: 'request', size: MAX_REQUEST_BYTES });
  });

  it('says when the entry vanished', async () => {
    expect(await readDropEntry(join(dir, 'gone.json'))).toEqual({ kind: 'vanished' });
  });
});
