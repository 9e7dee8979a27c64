// Runs an expensive action (daemon-reload) once for many callers: each caller gets a run that
// started after it asked, and callers arriving while a run waits share that run.

export class Coalescer {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly action: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        const current = this.action();
        this.running = current;
        return current.finally(() => {
          if (this.running === current) this.running = undefined;
        });
      });
    this.queued = next;
    return next;
  }
}
