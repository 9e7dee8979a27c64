// SIGTERM/SIGINT handling shared by long-running commands: abort gracefully, then give up waiting.

export interface Shutdown {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * The first signal aborts; if the work has not ended `graceSeconds` later, or a second signal
 * arrives, the process exits with `exitCode` anyway: checkpoints only cover acknowledged writes,
 * so abandoning a batch is safe.
 */
export function onShutdown(onForce: () => void, graceSeconds = 8): Shutdown {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The signal's name is the abort reason, so that what stopped the work can be said.
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      onForce();
      return;
    }
    controller.abort(name);
    timer = setTimeout(onForce, graceSeconds * 1000);
    timer.unref();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
      if (timer) clearTimeout(timer);
    },
  };
}
