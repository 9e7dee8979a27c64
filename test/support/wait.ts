// Polling helper for tests that wait on a real process or server to reach a state.

/** What a probe returns while the state is not reached yet: `findOne` gives null, a check false. */
export type NotYet = undefined | null | false;

/**
 * Polls `probe` until it returns something other than undefined, null or false, and returns that;
 * a probe that throws counts as "not yet" (its last error is part of the timeout's message).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | NotYet> | T | NotYet,
  options: {
    timeoutMs?: number;
    intervalMs?: number;
    /** Checked before each probe: a reason stops the wait at once (the process waited on is gone). */
    giveUp?: () => string | undefined;
  } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    const reason = options.giveUp?.();
    if (reason !== undefined) throw new Error(`${reason} while waiting for ${what}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
