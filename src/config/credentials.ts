// Loads the secrets (dotenv files) and refuses a file that others may read; the values are secrets.
// credentials.env holds the Slack webhook (and, on installs not yet split, everything); mongo.env
// the MongoDB URL; credentials.d/<name>.env the MySQL login of the servers that name it; reader.env
// the read-only MongoDB URL of readers of pivot rows. Under systemd a unit gets only its own files
// through LoadCredential=: mongo.env and mysql.env.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { registerSecrets } from '../logging/redact.js';

export const CREDENTIALS_FILE = 'credentials.env';
export const MONGO_FILE = 'mongo.env';
/** MONGO_READ_URL: a MongoDB user with the `read` role, for `query` and the library (operators' group). */
export const READER_FILE = 'reader.env';
export const SERVER_CREDENTIALS_DIR = 'credentials.d';
/** The name of the MySQL login of servers without `credentials` (credentials.d/default.env). */
export const DEFAULT_CREDENTIALS_NAME = 'default';
/** The credential id of the unit's own MySQL login under $CREDENTIALS_DIRECTORY. */
export const UNIT_MYSQL_CREDENTIAL = 'mysql.env';

const mongoUrl = z.string({ error: 'a MongoDB connection string (mongodb://…)' }).regex(/^mongodb(\+srv)?:\/\//, {
  error: 'a MongoDB connection string starting with mongodb:// or mongodb+srv://',
});
const mysqlUser = z.string({ error: 'the MySQL user name' }).min(1, { error: 'the MySQL user name' });

const CredentialsSchema = z.object({
  MONGO_URL: mongoUrl,
  MYSQL_USER: mysqlUser.optional(),
  MYSQL_PASSWORD: z.string().default(''),
  SLACK_WEBHOOK_URL: z.string().optional(),
});

export type Credentials = z.infer<typeof CredentialsSchema>;
/** What a sync needs: the MongoDB URL and the MySQL login of its server. */
export type SyncCredentials = Credentials & { MYSQL_USER: string; MYSQL_PASSWORD: string };

/**
 * Where the credentials are read from: systemd's LoadCredential= directory when the unit provides
 * one, else the private configuration directory.
 */
export function credentialsPath(configDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromSystemd = env.CREDENTIALS_DIRECTORY;
  return fromSystemd ? join(fromSystemd, CREDENTIALS_FILE) : join(configDir, CREDENTIALS_FILE);
}

/**
 * credentials.env at `path`, with MONGO_URL from mongo.env beside it when the file has none (the
 * monitor gets both through LoadCredential=). The MySQL keys are optional here: see loadSyncCredentials.
 */
export async function loadCredentials(path: string): Promise<Credentials> {
  const values = (await readSecretFile(path, 'MONGO_URL, MYSQL_USER and MYSQL_PASSWORD'))!;
  if (values.MONGO_URL === undefined) {
    const mongo = await readSecretFile(join(path, '..', MONGO_FILE), 'MONGO_URL', { optional: true });
    if (mongo?.MONGO_URL !== undefined) values.MONGO_URL = mongo.MONGO_URL;
  }
  return validate(CredentialsSchema, values, path);
}

/**
 * The secrets of one project's sync: the MongoDB URL and the MySQL login of its server (`name`
 * from mysql.servers.<server>.credentials, null for the default). Under systemd only the unit's
 * own mongo.env and mysql.env (an older unit that still loads credentials.env is read as before).
 */
export async function loadSyncCredentials(
  configDir: string,
  name: string | null,
  setting: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SyncCredentials> {
  const unitDir = env.CREDENTIALS_DIRECTORY;
  let mongo: Record<string, string> | undefined;
  let mysql: Record<string, string> | undefined;
  let mysqlPath: string;
  let legacy: Record<string, string> | undefined;
  if (unitDir) {
    mongo = await readSecretFile(join(unitDir, MONGO_FILE), 'MONGO_URL', { optional: true });
    mysqlPath = join(unitDir, UNIT_MYSQL_CREDENTIAL);
    mysql = await readSecretFile(mysqlPath, 'MYSQL_USER and MYSQL_PASSWORD', { optional: true });
    if (!mongo?.MONGO_URL || !mysql?.MYSQL_USER)
      legacy = await readSecretFile(join(unitDir, CREDENTIALS_FILE), '', { optional: true });
  } else {
    mongo = await readSecretFile(join(configDir, MONGO_FILE), 'MONGO_URL', { optional: true });
    mysqlPath = join(configDir, SERVER_CREDENTIALS_DIR, `${name ?? DEFAULT_CREDENTIALS_NAME}.env`);
    mysql = await readSecretFile(mysqlPath, 'MYSQL_USER and MYSQL_PASSWORD', { optional: true });
    if (!mongo?.MONGO_URL || (!mysql?.MYSQL_USER && name === null))
      legacy = await readSecretFile(join(configDir, CREDENTIALS_FILE), '', { optional: true });
  }
  if (!mysql && name !== null) {
    throw new ConfigError(
      unitDir
        ? `${setting} is "${name}", but the unit does not load ${UNIT_MYSQL_CREDENTIAL} (its drop-in predates the setting); submit the request again`
        : `${setting} is "${name}", but ${mysqlPath} does not exist; expected a file with MYSQL_USER and MYSQL_PASSWORD (mode 0640 root:db-proxy)`,
    );
  }
  const values: Record<string, string> = {};
  // An empty value (the template install.sh writes) counts as not set when the older file has one.
  const mongoUrlValue = mongo?.MONGO_URL || legacy?.MONGO_URL || mongo?.MONGO_URL;
  if (mongoUrlValue !== undefined) values.MONGO_URL = mongoUrlValue;
  // A named login never falls back to the default one.
  const login = name === null && !mysql?.MYSQL_USER ? (legacy ?? mysql) : mysql;
  if (login?.MYSQL_USER !== undefined) values.MYSQL_USER = login.MYSQL_USER;
  if (login?.MYSQL_PASSWORD !== undefined) values.MYSQL_PASSWORD = login.MYSQL_PASSWORD;
  const where = login === mysql && mysql ? mysqlPath : unitDir ? unitDir : join(configDir, CREDENTIALS_FILE);
  const parsed = validate(CredentialsSchema.extend({ MYSQL_USER: mysqlUser }), values, where);
  return { ...parsed, MYSQL_USER: parsed.MYSQL_USER, MYSQL_PASSWORD: parsed.MYSQL_PASSWORD };
}

/**
 * The read-only MongoDB URL of a reader of pivot rows: MONGO_READ_URL of the environment (the
 * user's own), else of reader.env in the configuration directory; undefined when neither has one.
 */
export async function loadReaderUrl(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; from: string } | undefined> {
  const own = env.MONGO_READ_URL;
  if (own !== undefined && own !== '') {
    registerSecrets(secretsOf({ MONGO_READ_URL: own }));
    return {
      url: validate(ReaderSchema, { MONGO_READ_URL: own }, 'the environment').MONGO_READ_URL,
      from: 'MONGO_READ_URL',
    };
  }
  const path = join(configDir, READER_FILE);
  const values = await readSecretFile(path, 'MONGO_READ_URL', { optional: true });
  if (!values?.MONGO_READ_URL) return undefined;
  return { url: validate(ReaderSchema, values, path).MONGO_READ_URL, from: path };
}

const ReaderSchema = z.object({ MONGO_READ_URL: mongoUrl });

async function readSecretFile(
  path: string,
  holds: string,
  options: { optional?: boolean } = {},
): Promise<Record<string, string> | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.optional && code === 'ENOENT') return undefined;
    throw new ConfigError(
      `cannot read the credentials file ${path}: ${code ?? 'error'}${holds ? `; expected a file with ${holds}` : ''}`,
      { cause: error },
    );
  }
  if ((mode & 0o007) !== 0) {
    throw new ConfigError(
      `the credentials file ${path} has mode ${mode.toString(8).padStart(4, '0')}, so other users may read it; ` +
        `it must be 0640 or stricter (chmod 640 ${path})`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the credentials file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: error },
    );
  }
  const values = parse(text);
  // Registered at once, so that even a file refused below cannot leak through a later message.
  registerSecrets(secretsOf(values));
  return values;
}

function validate<T extends z.ZodType>(schema: T, values: Record<string, string>, path: string): z.infer<T> {
  const result = schema.safeParse(values);
  if (!result.success) {
    // Never echo the values: only the names of the keys that are wrong.
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}: ${values[key] === undefined ? 'missing' : 'invalid (value not shown)'}; expected ${issue.message}`;
    });
    throw new ConfigError(`the credentials file ${path} is not usable:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

/** Every string that must never appear in output, of any length: passwords, whole URLs and their password parts. */
export function secretsOf(credentials: Partial<Record<string, string>>): string[] {
  const secrets = [credentials.MYSQL_PASSWORD ?? ''];
  for (const url of [credentials.MONGO_URL, credentials.MONGO_READ_URL, credentials.SLACK_WEBHOOK_URL]) {
    if (!url) continue;
    secrets.push(url);
    try {
      const parsed = new URL(url);
      if (parsed.password) secrets.push(parsed.password, decodeURIComponent(parsed.password));
      if (parsed.pathname.length > 1 && !url.startsWith('mongodb')) secrets.push(parsed.pathname);
    } catch {
      // Not a URL the WHATWG parser accepts (e.g. several mongodb hosts); the whole string is still redacted.
    }
  }
  return secrets.filter((secret) => secret.length > 0);
}

/**
 * For a process that writes what others said but connects to nothing (the creator's verdicts):
 * registers the secrets of the credentials file so they are redacted. Returns why it could not,
 * for a warning; there is then nothing of this file to leak.
 */
export async function registerCredentialSecrets(configDir: string): Promise<string | undefined> {
  try {
    await loadCredentials(credentialsPath(configDir));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
