// The one rule for names that end up in SQL, MongoDB collection names, paths and unit names.

/** Database, table and monitory names: letters, digits, `_`, `-` and single inner dots, 1-64 characters. */
export const SAFE_IDENTIFIER = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]|\.(?!\.)){0,63}$/;

export const SAFE_IDENTIFIER_EXPECTATION =
  'a safe identifier: 1-64 characters from A-Z a-z 0-9 _ - and single dots, starting with a letter, digit or _ ' +
  '(no "..", path separators, spaces, quotes, backticks, semicolons or control characters)';

export function isSafeIdentifier(value: string): boolean {
  return SAFE_IDENTIFIER.test(value) && !value.endsWith('.');
}

/** Backtick-quotes an identifier for MySQL; callers validate first, this refuses anything unsafe. */
export function quoteMysqlIdentifier(value: string): string {
  if (!isSafeIdentifier(value)) throw new Error(`refusing to quote unsafe identifier ${JSON.stringify(value)}`);
  return `\`${value}\``;
}
