// Process-wide list of secrets and the functions that blank them out of text, and out of the
// strings of a value, wherever text leaves the process or is stored.

const secrets = new Set<string>();

/**
 * Credentials register their values once loaded; every log line, STATUS line, heartbeat, verdict,
 * alert and status output is then redacted. Any non-empty value counts, however short: a short
 * password blanks more ordinary text, but is never shown.
 */
export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length > 0) secrets.add(value);
}

/** Blanks registered secrets and the password part of any URL (user:password@host). */
export function redact(text: string): string {
  let result = text;
  // Longest first, so a URL is replaced whole before its password part.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  return result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1***@');
}

/**
 * The value with every string in it redacted (arrays and plain objects walked, other values kept),
 * for JSON that is written or printed: redacting the serialised text instead would miss a secret
 * holding a quote or a backslash, which JSON escapes.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item)])) as T;
  }
  return value;
}
