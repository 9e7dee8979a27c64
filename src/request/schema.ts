// The request an operator submits (public configuration), as a zod schema; the types derive from it.
import { z } from 'zod';
import { SAFE_IDENTIFIER_EXPECTATION, isSafeIdentifier } from './identifiers.js';
import { SERVER_EXPECTATION, parseServer } from './server.js';
import { DEFAULT_UNIT_PREFIX, unitNameProblem } from './unit-name.js';

/** Wave counters are unix seconds; anything above this is almost certainly milliseconds. */
export const MAX_WAVE_COUNTER_SECONDS = 99_999_999_999;

/** A name that is safe in SQL, paths, collection and unit names. */
export const SafeIdentifierSchema = z
  .string({ error: SAFE_IDENTIFIER_EXPECTATION })
  .refine(isSafeIdentifier, { error: SAFE_IDENTIFIER_EXPECTATION });

/**
 * A building has a handful of extraction packages; the bound keeps a request (and the unit's
 * Description=, the verdict and the log lines that list them) small whatever a file holds.
 */
export const MAX_MONITORY_NAMES = 200;

const thresholdExpectation = 'a whole number of unix seconds, 0 or more (not milliseconds)';

export const RequestSchema = z.strictObject({
  wave_counter_threshold: z
    .number({ error: thresholdExpectation })
    .int({ error: thresholdExpectation })
    .min(0, { error: thresholdExpectation })
    .max(MAX_WAVE_COUNTER_SECONDS, {
      error: `${thresholdExpectation}; this looks like milliseconds, divide by 1000`,
    })
    .describe('Unix seconds; wave counters below it are never synced.'),
  delete_old_value: z
    .number({ error: 'a number of days greater than 0' })
    .positive({ error: 'a number of days greater than 0' })
    .max(36_500, { error: 'a number of days greater than 0 and at most 36500' })
    .describe('Retention in days: older rows are deleted from MongoDB and not synced.'),
  monitory_name_kept: z
    .array(SafeIdentifierSchema, { error: 'a list of extraction package names' })
    .min(1, { error: 'at least one extraction package name' })
    .max(MAX_MONITORY_NAMES, { error: `at most ${MAX_MONITORY_NAMES} extraction package names` })
    .refine((names) => new Set(names).size === names.length, { error: 'a list without repeated names' })
    .describe('The extraction packages (monitory names) to sync.'),
  measures: SafeIdentifierSchema.describe('The measures table to read, e.g. TL_measures.'),
  database: SafeIdentifierSchema.refine((name) => unitNameProblem(DEFAULT_UNIT_PREFIX, name) === undefined, {
    // The creator checks again with the configured unit_prefix (mergeConfig).
    error: (issue) => unitNameProblem(DEFAULT_UNIT_PREFIX, String(issue.input)) ?? SAFE_IDENTIFIER_EXPECTATION,
  }).describe('The MySQL database of the project.'),
  server: z
    .string({ error: SERVER_EXPECTATION })
    .refine((value) => parseServer(value) !== undefined, { error: SERVER_EXPECTATION })
    .describe('MySQL host, "host" or "host:port".'),
  sleep_time: z
    .number({ error: 'a number of seconds greater than 0' })
    .positive({ error: 'a number of seconds greater than 0' })
    .max(86_400, { error: 'a number of seconds greater than 0 and at most 86400' })
    .describe('Seconds between reads of new waves; the checks and retention of a cycle run within them.'),
});

export type Request = z.infer<typeof RequestSchema>;

export const REQUEST_KEYS = Object.keys(RequestSchema.shape) as (keyof Request)[];
