// Reads defaults.json from the configuration directory; a missing file means the built-in defaults.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { describeValue } from '../request/describe-value.js';
import { parseJsonText } from '../request/json-text.js';
import { DefaultsSchema, type Defaults } from './defaults-schema.js';

export const DEFAULTS_FILE = 'defaults.json';

export async function loadDefaults(configDir: string): Promise<Defaults> {
  const path = join(configDir, DEFAULTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DefaultsSchema.parse({});
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseDefaultsText(text, path);
}

export function parseDefaultsText(text: string, path: string): Defaults {
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigError(`${path}: ${json.issue}`);
  const result = DefaultsSchema.safeParse(json.value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `${fieldPath([...issue.path, ...issue.keys])}: unknown key`
      : `${fieldPath(issue.path) || '(defaults)'}: got ${describeValue(valueAt(json.value, issue.path))}; expected ${issue.message}`,
  );
  throw new ConfigError(`${path} is not valid:\n  ${lines.join('\n  ')}`);
}

/** `mysql.servers."db.example:3306".tls`: a key that is not a plain word is quoted. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment);
      return /^[A-Za-z0-9_]+$/.test(text) ? text : JSON.stringify(text);
    })
    .join('.');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
