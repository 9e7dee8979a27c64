// Process-wide list of secrets and the function that blanks them out of any text before it is shown.

const secrets = new Set<string>();

/** Credentials register their values once loaded; every log line and error message is then redacted. */
export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length >= 3) secrets.add(value);
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
