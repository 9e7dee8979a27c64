// Capped exponential backoff with jitter between failed cycles.

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialSeconds: number,
    private readonly maxSeconds: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Seconds to wait before the next try; grows ×2 per failure up to the cap, ±20 % jitter. */
  next(): number {
    const base = Math.min(this.maxSeconds, this.initialSeconds * 2 ** this.attempt);
    this.attempt += 1;
    return Math.min(this.maxSeconds, base * (0.8 + 0.4 * this.random()));
  }

  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
