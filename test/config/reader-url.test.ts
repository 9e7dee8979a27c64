// The read-only MongoDB URL of readers of pivot rows: MONGO_READ_URL of the user's environment
// first, then reader.env; a reader.env others may read is refused; the URL is registered as a secret.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReaderUrl } from '../../src/config/credentials.js';
import { redact } from '../../src/logging/redact.js';

/** Made up per run: no password-shaped text is kept in the repository. */
const readerPassword = `rp-${randomBytes(6).toString('hex')}`;
const userPassword = `up-${randomBytes(6).toString('hex')}`;

describe('loadReaderUrl', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbp-reader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is undefined without reader.env and without MONGO_READ_URL', async () => {
    expect(await loadReaderUrl(dir, {})).toBeUndefined();
  });

  it('reads reader.env, and blanks its password from then on', async () => {
    await writeFile(join(dir, 'reader.env'), `MONGO_READ_URL=mongodb://reader:${readerPassword}@mongo:27017/\n`, {
      mode: 0o640,
    });
    expect(await loadReaderUrl(dir, {})).toEqual({
      url: `mongodb://reader:${readerPassword}@mongo:27017/`,
      from: join(dir, 'reader.env'),
    });
    expect(redact(`failed: ${readerPassword}`)).toBe('failed: ***');
  });

  it("prefers the user's own MONGO_READ_URL", async () => {
    const env = { MONGO_READ_URL: `mongodb://mine:${userPassword}@mongo:27017/` };
    expect(await loadReaderUrl(dir, env)).toEqual({ url: env.MONGO_READ_URL, from: 'MONGO_READ_URL' });
    expect(redact(userPassword)).toBe('***');
  });

  it('refuses a URL that is not a MongoDB one, without echoing it, and a file others may read', async () => {
    await expect(loadReaderUrl(dir, { MONGO_READ_URL: 'http://x:SecretPw@h/' })).rejects.toThrow(
      /MONGO_READ_URL: invalid \(value not shown\); expected a MongoDB connection string/,
    );
    await writeFile(join(dir, 'reader.env'), 'MONGO_READ_URL=mongodb://r:p@m/\n');
    await chmod(join(dir, 'reader.env'), 0o644);
    await expect(loadReaderUrl(dir, {})).rejects.toThrow(/has mode 0644, so other users may read it/);
  });
});
