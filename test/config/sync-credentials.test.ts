// loadSyncCredentials: the MongoDB URL and the MySQL login of the project's server, from the split
// files (mongo.env, credentials.d/<name>.env), from systemd's credentials directory, or from an
// all-in-one credentials.env of an install not yet split.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSyncCredentials } from '../../src/config/credentials.js';
import { ConfigError } from '../../src/errors.js';
import { redact } from '../../src/logging/redact.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbp-sync-credentials-'));
  await mkdir(join(dir, 'credentials.d'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, lines: string[], mode = 0o640): Promise<void> {
  await writeFile(join(dir, name), `${lines.join('\n')}\n`);
  await chmod(join(dir, name), mode);
}

/** Made up per run: no password-shaped text is kept in the repository. */
const made = (tag: string): string => `${tag}-${randomBytes(6).toString('hex')}`;
const AWS_PW = made('aws');
const DEFAULT_PW = made('default');
const LEGACY_PW = made('legacy');
const MONGO_URL = `mongodb://worker:${made('mongo')}@mongo.internal/`;
const SETTING = 'mysql.servers."awsdb:3306".credentials';

describe('loadSyncCredentials', () => {
  it('takes mongo.env and the login of the named server, nothing else', async () => {
    await put('mongo.env', [`MONGO_URL=${MONGO_URL}`]);
    await put('credentials.d/awsdb.env', ['MYSQL_USER=aws_reader', `MYSQL_PASSWORD=${AWS_PW}`]);
    await put('credentials.d/default.env', ['MYSQL_USER=other', `MYSQL_PASSWORD=${DEFAULT_PW}`]);
    await put('credentials.env', ['SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T/B/x']);
    expect(await loadSyncCredentials(dir, 'awsdb', SETTING, {})).toEqual({
      MONGO_URL,
      MYSQL_USER: 'aws_reader',
      MYSQL_PASSWORD: AWS_PW,
    });
    expect(await loadSyncCredentials(dir, null, SETTING, {})).toMatchObject({ MYSQL_USER: 'other' });
    expect(redact(`login with ${AWS_PW}`)).toBe('login with ***');
  });

  it('reads an all-in-one credentials.env for servers with the default login', async () => {
    await put('credentials.env', [`MONGO_URL=${MONGO_URL}`, 'MYSQL_USER=sync', `MYSQL_PASSWORD=${LEGACY_PW}`]);
    expect(await loadSyncCredentials(dir, null, SETTING, {})).toEqual({
      MONGO_URL,
      MYSQL_USER: 'sync',
      MYSQL_PASSWORD: LEGACY_PW,
    });
  });

  it('never falls back to the default login for a named one', async () => {
    await put('credentials.env', [`MONGO_URL=${MONGO_URL}`, 'MYSQL_USER=sync', `MYSQL_PASSWORD=${LEGACY_PW}`]);
    const error = await loadSyncCredentials(dir, 'awsdb', SETTING, {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `${SETTING} is "awsdb", but ${join(dir, 'credentials.d/awsdb.env')} does not exist; expected a file with MYSQL_USER and MYSQL_PASSWORD (mode 0640 root:db-proxy)`,
    );
  });

  it('refuses a login file others may read', async () => {
    await put('mongo.env', [`MONGO_URL=${MONGO_URL}`]);
    await put('credentials.d/awsdb.env', ['MYSQL_USER=aws_reader', `MYSQL_PASSWORD=${AWS_PW}`], 0o644);
    await expect(loadSyncCredentials(dir, 'awsdb', SETTING, {})).rejects.toThrow(
      /credentials\.d\/awsdb\.env has mode 0644/,
    );
  });

  it("under systemd reads only the unit's mongo.env and mysql.env", async () => {
    const unit = join(dir, 'unit');
    await mkdir(unit);
    await put('unit/mongo.env', [`MONGO_URL=${MONGO_URL}`], 0o400);
    await put('unit/mysql.env', ['MYSQL_USER=aws_reader', `MYSQL_PASSWORD=${AWS_PW}`], 0o400);
    // The configuration directory is not looked at: the unit has what it may have.
    expect(await loadSyncCredentials('/nonexistent', 'awsdb', SETTING, { CREDENTIALS_DIRECTORY: unit })).toEqual({
      MONGO_URL,
      MYSQL_USER: 'aws_reader',
      MYSQL_PASSWORD: AWS_PW,
    });
  });

  it('says which key is missing without showing a value', async () => {
    await put('mongo.env', ['MONGO_URL=']);
    await put('credentials.d/awsdb.env', [`MYSQL_PASSWORD=${AWS_PW}`]);
    const error = await loadSyncCredentials(dir, 'awsdb', SETTING, {}).catch((thrown: unknown) => thrown as Error);
    expect((error as Error).message).toContain('MONGO_URL: invalid (value not shown)');
    expect((error as Error).message).toContain('MYSQL_USER: missing');
    expect((error as Error).message).not.toContain(AWS_PW);
  });
});
