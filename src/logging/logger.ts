// The one logger of every entry point (winston): journald priority prefixes under systemd,
// human-readable lines (coloured on a TTY) elsewhere, in a container on stdout; every line redacted of secrets.
import winston from 'winston';
import { redact } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** sd-daemon(3) priorities, read by journald when the unit has SyslogLevelPrefix=yes (the default). */
const JOURNAL_PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export type Fields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Output style; default: journal when systemd connected stderr to the journal, else tty or plain. */
  style?: 'journal' | 'tty' | 'plain';
  stream?: NodeJS.WritableStream;
}

export function formatFields(fields: Fields): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

// Strings are redacted before quoting: JSON escaping would hide a secret holding a quote or a backslash from the
// redaction of the whole line. Errors show their message (JSON.stringify gives "{}").
function formatValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return formatValue(value.message);
  if (typeof value === 'string') {
    const text = redact(value);
    return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
  }
  return typeof value === 'object' ? JSON.stringify(value, redactJson) : String(value);
}

function redactJson(_key: string, value: unknown): unknown {
  if (value instanceof Error) return redact(value.message);
  return typeof value === 'string' ? redact(value) : value;
}

export function detectStyle(
  stream: NodeJS.WritableStream = process.stderr,
  env = process.env,
): 'journal' | 'tty' | 'plain' {
  if (env.JOURNAL_STREAM || env.INVOCATION_ID) return 'journal';
  return (stream as NodeJS.WriteStream).isTTY ? 'tty' : 'plain';
}

const COLOURS: Record<LogLevel, string> = { error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[36m', debug: '\x1b[90m' };

export function createLogger(options: LoggerOptions = {}): Logger {
  // A container's log is stdout (DB_PROXY_LOG_STREAM=stdout, set by the worker's Deployment); elsewhere stderr.
  const stream = options.stream ?? (process.env.DB_PROXY_LOG_STREAM === 'stdout' ? process.stdout : process.stderr);
  const style = options.style ?? detectStyle(stream);
  const line = winston.format.printf((info) => {
    const level = info.level as LogLevel;
    const { level: _level, message, ...rest } = info;
    const fields = formatFields(rest);
    const text = redact(fields ? `${String(message)} ${fields}` : String(message)).replace(/\n/g, ' | ');
    if (style === 'journal') return `<${JOURNAL_PRIORITY[level]}>${text}`;
    const stamp = new Date().toISOString();
    if (style === 'tty') return `\x1b[90m${stamp}\x1b[0m ${COLOURS[level]}${level.padEnd(5)}\x1b[0m ${text}`;
    return `${stamp} ${level.padEnd(5)} ${text}`;
  });
  const base = winston.createLogger({
    level: options.level ?? 'info',
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    format: line,
    transports: [new winston.transports.Stream({ stream })],
  });
  return wrap(base);
}

function wrap(base: winston.Logger): Logger {
  return {
    error: (message, fields) => base.log('error', message, fields ?? {}),
    warn: (message, fields) => base.log('warn', message, fields ?? {}),
    info: (message, fields) => base.log('info', message, fields ?? {}),
    debug: (message, fields) => base.log('debug', message, fields ?? {}),
    child: (fields) => wrap(base.child(fields)),
  };
}
