// What the worker's start means for the verdict: accepted only once it reported READY; exit 78
// (its preflight refused the configuration) is `rejected` with its own words; a worker still
// activating at the deadline is `failed`; either way the previous configuration runs as before,
// with the unit's enabled and active states exactly as they were.
import { afterEach, describe, expect, it } from 'vitest';
import { formatConfigStatus } from '../../src/preflight/status-line.js';
import { Faults } from './support/fake-systemd.js';
import { TransactionEnv, requestFor, type World } from './support/transaction-env.js';
import type { Behaviour } from './support/fake-systemd.js';

const DB = 'TOR-BGO-150KingW';
const MISSING = formatConfigStatus([
  `measures: table TL_measurez does not exist in ${DB}; tables there: TL_measures, hs_measures`,
]);

/** TL_measurez: the preflight refuses it; port 1: MySQL does not answer, the worker stays activating. */
function behave(request: Record<string, unknown>): Behaviour {
  if (request.measures === 'TL_measurez') return { kind: 'exit', code: 78, status: MISSING };
  if (request.sleep_time === 42) return { kind: 'boot', readyAfterMs: 300 };
  if (request.server === '127.0.0.1:1') {
    return { kind: 'hang', status: 'starting: MySQL 127.0.0.1:1: connect ECONNREFUSED (retry in 2 s)' };
  }
  return { kind: 'ready' };
}

const envs: TransactionEnv[] = [];
afterEach(async () => {
  while (envs.length > 0) await envs.pop()?.dispose();
});

async function env(): Promise<TransactionEnv> {
  const created = await TransactionEnv.create(behave);
  envs.push(created);
  return created;
}

const BAD: [string, Record<string, unknown>, string, RegExp][] = [
  ['a missing measures table', { measures: 'TL_measurez' }, 'rejected', /^measures: table TL_measurez does not exist/],
  ['a server that does not answer', { server: '127.0.0.1:1' }, 'failed', /did not report READY within .*ECONNREFUSED/],
];

describe.each(BAD)('%s', (_what, overrides, outcome, reason) => {
  it('for a new project: refused with the worker’s words, no unit, no folder', async () => {
    const e = await env();
    const before = await e.world(DB);
    const { verdict } = await e.submit(requestFor(DB, overrides));
    expect(verdict).toMatchObject({ outcome, accepted: false });
    expect(verdict?.reasons[0]).toMatch(reason);
    expect(verdict?.reasons).toContain(`rolled back: no unit and no folder were left for ${DB}`);
    expect(await e.world(DB)).toEqual(before);
    expect(await e.leftovers()).toEqual([]);
  });

  it('for a running project: the previous configuration runs as before', async () => {
    const e = await env();
    await e.submit(requestFor(DB));
    const before = await e.world(DB);
    expect(before).toMatchObject({ enabled: true, active: true });
    const { verdict } = await e.submit(requestFor(DB, overrides));
    expect(verdict).toMatchObject({ outcome, accepted: false });
    expect(verdict?.reasons[0]).toMatch(reason);
    expect(await e.world(DB)).toEqual(before);
    // A valid request afterwards is accepted.
    expect((await e.submit(requestFor(DB, { sleep_time: 9 }))).verdict?.outcome).toBe('restarted');
  });

  it('for a stopped, disabled project: it stays stopped and disabled', async () => {
    const e = await env();
    await e.submit(requestFor(DB));
    await e.systemd.systemctl(new Faults()).disableNow(e.unit(DB));
    const before: World = await e.world(DB);
    expect(before).toMatchObject({ enabled: false, active: false, runningHash: null });
    const { verdict } = await e.submit(requestFor(DB, overrides));
    expect(verdict).toMatchObject({ outcome, accepted: false });
    expect(verdict?.reasons).toContain(
      `rolled back: ${e.unit(DB)} has its previous configuration, not running, as before, and disabled, as before`,
    );
    expect(await e.world(DB)).toEqual(before);
  });
});

it('a stopped but enabled project stays enabled and stopped after a roll-back', async () => {
  const e = await env();
  await e.submit(requestFor(DB));
  await e.systemd.systemctl(new Faults()).stop(e.unit(DB));
  const before = await e.world(DB);
  expect(before).toMatchObject({ enabled: true, active: false });
  const { verdict } = await e.submit(requestFor(DB, { measures: 'TL_measurez' }));
  expect(verdict?.outcome).toBe('rejected');
  expect(await e.world(DB)).toEqual(before);
});

it('a worker that boots slowly and silently (a loaded host) is waited for past the settle time, then accepted', async () => {
  const e = await env();
  const { verdict } = await e.submit(requestFor(DB, { sleep_time: 42 }));
  expect(verdict, JSON.stringify(verdict?.reasons)).toMatchObject({
    outcome: 'started',
    accepted: true,
    unit_state: 'active',
  });
});

it('a worker that says it waits for its databases is not waited for past the settle time', async () => {
  const e = await env();
  const { verdict } = await e.submit(requestFor(DB, { server: '127.0.0.1:1' }));
  expect(verdict?.outcome).toBe('failed');
  // The settle time of these tests (40 ms), not the boot time (95 s).
  expect(verdict?.reasons[0]).toMatch(/^the worker of .* did not report READY within 0 s /);
});
