// Loads credentials.env (dotenv) and refuses one that others may read; its values are secrets.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { registerSecrets } from '../logging/redact.js';

export const CREDENTIALS_FILE = 'credentials.env';

const CredentialsSchema = z.object({
  MONGO_URL: z.string({ error: 'a MongoDB connection string (mongodb://…)' }).regex(/^mongodb(\+srv)?:\/\//, {
    error: 'a MongoDB connection string starting with mongodb:// or mongodb+srv://',
  }),
  MYSQL_USER: z.string({ error: 'the MySQL user name' }).min(1, { error: 'the MySQL user name' }),
  MYSQL_PASSWORD: z.string().default(''),
  SLACK_WEBHOOK_URL: z.string().optional(),
});

export type Credentials = z.infer<typeof CredentialsSchema>;

/**
 * Where the credentials are read from: systemd's LoadCredential= directory when the unit provides
 * one, else the private configuration directory.
 */
export function credentialsPath(configDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromSystemd = env.CREDENTIALS_DIRECTORY;
  return fromSystemd ? join(fromSystemd, CREDENTIALS_FILE) : join(configDir, CREDENTIALS_FILE);
}

export async function loadCredentials(path: string): Promise<Credentials> {
  let mode: number;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    throw new ConfigError(
      `cannot read the credentials file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; expected a file with MONGO_URL, MYSQL_USER and MYSQL_PASSWORD`,
      { cause: error },
    );
  }
  if ((mode & 0o007) !== 0) {
    throw new ConfigError(
      `the credentials file ${path} has mode ${mode.toString(8).padStart(4, '0')}, so other users may read it; ` +
        `it must be 0640 or stricter (chmod 640 ${path})`,
    );
  }
  const values = parse(await readFile(path, 'utf8'));
  const result = CredentialsSchema.safeParse(values);
  if (!result.success) {
    // Never echo the values: only the names of the keys that are wrong.
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}: ${values[key] === undefined ? 'missing' : 'invalid (value not shown)'}; expected ${issue.message}`;
    });
    throw new ConfigError(`the credentials file ${path} is not usable:\n  ${lines.join('\n  ')}`);
  }
  registerSecrets(secretsOf(result.data));
  return result.data;
}

/** Every string that must never appear in output, of any length: passwords, whole URLs and their password parts. */
export function secretsOf(credentials: Credentials): string[] {
  const secrets = [credentials.MYSQL_PASSWORD, credentials.MONGO_URL, credentials.SLACK_WEBHOOK_URL ?? ''];
  for (const url of [credentials.MONGO_URL, credentials.SLACK_WEBHOOK_URL]) {
    if (!url) continue;
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
