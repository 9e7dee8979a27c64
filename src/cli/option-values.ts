// Parsers of option values for commander (`argParser`): a value that does not fit is a usage
// error (exit 2) whose message names the option, the value given and what is expected.
import { InvalidArgumentError } from 'commander';

function number(text: string, expected: string, fits: (value: number) => boolean): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !fits(value)) throw new InvalidArgumentError(`expected ${expected}`);
  return value;
}

/** Seconds, fractions allowed, greater than 0. */
export const positiveSeconds = (text: string): number => number(text, 'seconds greater than 0', (v) => v > 0);

/** Seconds, fractions allowed, 0 or more. */
export const nonNegativeSeconds = (text: string): number => number(text, 'seconds, 0 or more', (v) => v >= 0);

/** A whole number greater than 0. */
export const positiveInteger = (text: string): number =>
  number(text, 'a whole number greater than 0', (v) => Number.isInteger(v) && v > 0);

/** A whole number, 0 or more. */
export const nonNegativeInteger = (text: string): number =>
  number(text, 'a whole number, 0 or more', (v) => Number.isInteger(v) && v >= 0);

/** Unix seconds, or a date that Date.parse takes (ISO 8601). */
export const unixTime = (text: string): number => {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('expected unix seconds or an ISO date such as 2026-11-23T10:00:00Z');
  return Math.floor(ms / 1000);
};
