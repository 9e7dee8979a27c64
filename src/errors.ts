// Error classes shared by every entry point: a stable `code` for scripts and tests,
// a message written for the operator, the underlying failure kept as `cause`.

/** Exit codes the CLI and the units rely on; the configuration one is listed in RestartPreventExitStatus=. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** A configuration or request problem: retrying will not help. */
  config: 78,
} as const;

export class DbProxyError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/** A request file that cannot be accepted; `issues` holds one operator-facing line per problem. */
export class RequestInvalidError extends DbProxyError {
  readonly issues: readonly string[];

  constructor(file: string, issues: readonly string[]) {
    super('REQUEST_INVALID', `${file}: ${issues.length} problem(s):\n  ${issues.join('\n  ')}`, {
      exitCode: ExitCode.config,
    });
    this.issues = issues;
  }
}

/** Private defaults, credentials or paths that are wrong; retrying will not fix them. */
export class ConfigError extends DbProxyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, { ...options, exitCode: ExitCode.config });
  }
}

/** The MySQL source failed (unreachable, refused credentials, bad query). */
export class SourceError extends DbProxyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SOURCE_FAILED', message, options);
  }
}

/** The MongoDB sink failed (unreachable, refused credentials, write error). */
export class SinkError extends DbProxyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SINK_FAILED', message, options);
  }
}

/** Wrong command-line usage. */
export class UsageError extends DbProxyError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: ExitCode.usage });
  }
}

/** The message of any thrown value, without assuming it is an Error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
