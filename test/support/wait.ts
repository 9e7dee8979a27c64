// Polling helper for tests that wait on a real process or server to reach a state.

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
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
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
