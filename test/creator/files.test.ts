// writeFileAtomic: the mode asked for, whatever the umask (the monitor's unit has UMask=0077 and
// its status snapshot must be readable by the operators' group).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/creator/files.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbp-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the file exactly its mode under a umask of 0077, new or replaced', async () => {
    const path = join(dir, 'status.json');
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(path, 'one\n', 0o640);
      expect((await stat(path)).mode & 0o777).toBe(0o640);
      await writeFileAtomic(path, 'two\n', 0o640);
      expect((await stat(path)).mode & 0o777).toBe(0o640);
    } finally {
      process.umask(previous);
    }
    expect(await readFile(path, 'utf8')).toBe('two\n');
  });
});
