// waitFor: undefined, null and false mean "not yet"; anything else is the value waited for.
import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.js';

describe('waitFor', () => {
  it('keeps polling while the probe says null, undefined or false (findOne of nothing is null)', async () => {
    const answers = [null, undefined, false, { _id: 1 }];
    let calls = 0;
    const found = await waitFor('a document', () => answers[calls++], { intervalMs: 1 });
    expect(found).toEqual({ _id: 1 });
    expect(calls).toBe(4);
  });

  it('takes 0 and the empty string as values', async () => {
    expect(await waitFor('zero', () => 0, { intervalMs: 1 })).toBe(0);
    expect(await waitFor('empty', () => '', { intervalMs: 1 })).toBe('');
  });

  it('times out on a probe that stays null, naming what it waited for and the last error', async () => {
    await expect(waitFor('the heartbeat', () => null, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      'timed out waiting for the heartbeat',
    );
    let calls = 0;
    await expect(
      waitFor(
        'a server',
        () => {
          calls += 1;
          if (calls === 1) throw new Error('ECONNREFUSED');
          return null;
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('timed out waiting for a server: Error: ECONNREFUSED');
  });

  it('stops at once when giveUp names a reason', async () => {
    await expect(waitFor('ready', () => false, { giveUp: () => 'the process exited' })).rejects.toThrow(
      'the process exited while waiting for ready',
    );
  });
});
