// Per-database ordering and the cross-database limit of the creator's queue; the reload coalescer.
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/creator/coalesce.js';
import { KeyedQueue } from '../../src/creator/queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in the order pushed', async () => {
    const queue = new KeyedQueue(4);
    const log: string[] = [];
    const first = deferred();
    void queue.push('a', async () => {
      log.push('a1 start');
      await first.promise;
      log.push('a1 end');
    });
    void queue.push('a', () => {
      log.push('a2');
      return Promise.resolve();
    });
    await tick();
    expect(log).toEqual(['a1 start']);
    first.resolve();
    await queue.idle();
    expect(log).toEqual(['a1 start', 'a1 end', 'a2']);
  });

  it('runs different keys in parallel up to the limit', async () => {
    const queue = new KeyedQueue(2);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    gates.forEach(
      (gate, i) =>
        void queue.push(`k${i}`, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await gate.promise;
          running -= 1;
        }),
    );
    await tick();
    expect(running).toBe(2);
    gates.forEach((gate) => gate.resolve());
    await queue.idle();
    expect(peak).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('keeps going after a task throws', async () => {
    const queue = new KeyedQueue(1);
    const log: string[] = [];
    void queue.push('a', () => Promise.reject(new Error('boom')));
    void queue.push('a', () => {
      log.push('after');
      return Promise.resolve();
    });
    await queue.idle();
    expect(log).toEqual(['after']);
  });
});

describe('Coalescer', () => {
  it('gives every caller a run that started after it asked, sharing runs between waiting callers', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    let runs = 0;
    const coalescer = new Coalescer(() => {
      runs += 1;
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    });
    const a = coalescer.run();
    await tick();
    expect(runs).toBe(1);
    // b and c ask while run 1 is under way: they share run 2, which starts after run 1.
    const b = coalescer.run();
    const c = coalescer.run();
    await tick();
    expect(runs).toBe(1);
    gates[0]!.resolve();
    await a;
    await tick();
    expect(runs).toBe(2);
    gates[1]!.resolve();
    await Promise.all([b, c]);
    expect(runs).toBe(2);
  });
});
