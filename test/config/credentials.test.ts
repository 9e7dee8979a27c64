// loadCredentials/credentialsPath: file mode refused when others may read it, keys checked without echoing values, secrets registered.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { CREDENTIALS_FILE, credentialsPath, loadCredentials, secretsOf } from '../../src/config/credentials.js';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { redact } from '../../src/logging/redact.js';

const MONGO_PASSWORD = 'm0ngo-Pa55word';
const MONGO_URL = `mongodb://app:${MONGO_PASSWORD}@mongo.internal:27017/db_proxy?authSource=admin`;
const MYSQL_PASSWORD = 'mysql-Pa55word';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-credentials-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCredentials(lines: string[], mode = 0o600, path = join(dir, CREDENTIALS_FILE)): Promise<string> {
  await writeFile(path, `${lines.join('\n')}\n`);
  await chmod(path, mode); // explicitly, as the umask may have changed the mode given to writeFile
  return path;
}

async function failure(path: string): Promise<ConfigError> {
  const error = await loadCredentials(path).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).exitCode).toBe(ExitCode.config);
  return error as ConfigError;
}

const GOOD = [`MONGO_URL=${MONGO_URL}`, 'MYSQL_USER=sync', `MYSQL_PASSWORD=${MYSQL_PASSWORD}`];

describe('file mode', () => {
  it('refuses mode 0644, saying which mode it has and which it should have', async () => {
    const path = await writeCredentials(GOOD, 0o644);
    const error = await failure(path);
    expect(error.message).toContain('mode 0644');
    expect(error.message).toContain('0640');
    expect(error.message).toContain(`chmod 640 ${path}`);
  });

  it.each([0o604, 0o641, 0o666])('refuses mode %o (others have a permission)', async (mode) => {
    const error = await failure(await writeCredentials(GOOD, mode));
    expect(error.message).toContain(`mode 0${mode.toString(8)}`);
  });

  it.each([0o600, 0o640, 0o400])('accepts mode %o', async (mode) => {
    const credentials = await loadCredentials(await writeCredentials(GOOD, mode));
    expect(credentials).toEqual({ MONGO_URL, MYSQL_USER: 'sync', MYSQL_PASSWORD });
  });

  it('reports a missing file by its path and what it should hold', async () => {
    const error = await failure(join(dir, 'absent.env'));
    expect(error.message).toContain(join(dir, 'absent.env'));
    expect(error.message).toContain('ENOENT');
    expect(error.message).toContain('MONGO_URL');
  });
});

describe('keys', () => {
  it('reports a missing MONGO_URL by name, without echoing any value', async () => {
    const error = await failure(await writeCredentials(['MYSQL_USER=sync', `MYSQL_PASSWORD=${MYSQL_PASSWORD}`]));
    expect(error.message).toMatch(/^\s*MONGO_URL: missing; expected a MongoDB connection string/m);
    expect(error.message).not.toContain(MYSQL_PASSWORD);
    expect(error.message).not.toContain('sync');
  });

  it('reports an invalid MONGO_URL without showing it', async () => {
    const error = await failure(
      await writeCredentials([`MONGO_URL=http://app:${MONGO_PASSWORD}@mongo`, 'MYSQL_USER=sync']),
    );
    expect(error.message).toMatch(/^\s*MONGO_URL: invalid \(value not shown\); expected .*mongodb:\/\//m);
    expect(error.message).not.toContain(MONGO_PASSWORD);
    expect(error.message).not.toContain('http://');
  });

  it('reports every bad key, one line each', async () => {
    const error = await failure(await writeCredentials(['MYSQL_PASSWORD=x', 'MYSQL_USER=']));
    expect(
      error.message
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(':')[0])
        .sort(),
    ).toEqual(['MONGO_URL', 'MYSQL_USER']);
  });

  it('accepts a missing MySQL password and an optional Slack webhook', async () => {
    const webhook = 'https://hooks.slack.com/services/T000/B000/abcdefSECRET';
    const credentials = await loadCredentials(
      await writeCredentials([`MONGO_URL=${MONGO_URL}`, 'MYSQL_USER=root', `SLACK_WEBHOOK_URL=${webhook}`]),
    );
    expect(credentials).toEqual({ MONGO_URL, MYSQL_USER: 'root', MYSQL_PASSWORD: '', SLACK_WEBHOOK_URL: webhook });
  });
});

describe('secrets', () => {
  it('registers the passwords and the URLs, so redact() blanks them', async () => {
    await loadCredentials(await writeCredentials(GOOD));
    const text = `connecting to ${MONGO_URL} as sync with ${MYSQL_PASSWORD}; mongo password ${MONGO_PASSWORD}`;
    const shown = redact(text);
    expect(shown).not.toContain(MONGO_PASSWORD);
    expect(shown).not.toContain(MYSQL_PASSWORD);
    expect(shown).not.toContain('mongo.internal');
    expect(shown).toBe('connecting to *** as sync with ***; mongo password ***');
  });

  it('lists the decoded password of a percent-encoded URL', () => {
    const secrets = secretsOf({ MONGO_URL: 'mongodb://app:p%40ss%2Fword@h/db', MYSQL_USER: 'u', MYSQL_PASSWORD: '' });
    expect(secrets).toContain('mongodb://app:p%40ss%2Fword@h/db');
    expect(secrets).toContain('p%40ss%2Fword');
    expect(secrets).toContain('p@ss/word');
  });

  it('lists the Slack webhook and its path, which is its secret', () => {
    const webhook = 'https://hooks.slack.com/services/T000/B000/abcdef';
    const secrets = secretsOf({
      MONGO_URL: 'mongodb://h/db',
      MYSQL_USER: 'u',
      MYSQL_PASSWORD: '',
      SLACK_WEBHOOK_URL: webhook,
    });
    expect(secrets).toContain(webhook);
    expect(secrets).toContain('/services/T000/B000/abcdef');
  });
});

describe('credentialsPath', () => {
  it('uses the configuration directory outside systemd', () => {
    expect(credentialsPath('/etc/db-proxy', {})).toBe('/etc/db-proxy/credentials.env');
  });

  it("uses systemd's LoadCredential= directory when the unit provides one", () => {
    expect(credentialsPath('/etc/db-proxy', { CREDENTIALS_DIRECTORY: '/run/credentials/db-proxy@x.service' })).toBe(
      '/run/credentials/db-proxy@x.service/credentials.env',
    );
  });

  it('reads the credentials from there', async () => {
    const credentialsDir = await mkdtemp(join(tmpdir(), 'dbp-loadcredential-'));
    try {
      await writeCredentials(GOOD, 0o400, join(credentialsDir, CREDENTIALS_FILE));
      const path = credentialsPath(join(dir, 'unused'), { CREDENTIALS_DIRECTORY: credentialsDir });
      expect((await loadCredentials(path)).MYSQL_USER).toBe('sync');
    } finally {
      await rm(credentialsDir, { recursive: true, force: true });
    }
  });
});
