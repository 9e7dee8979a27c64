// The creator's transactions against a fake systemd: every step failed in turn and a crash at
// every point (then the recovery of the next start) leave the folder, the drop-in, the unit's
// enabled and active states and the verdict all in the previous state or all in the new one.
import { afterEach, describe, expect, it } from 'vitest';
import { Faults } from './support/fake-systemd.js';
import { TransactionEnv, requestFor, type World } from './support/transaction-env.js';

const DB = 'TOR-BGO-150KingW';
const R1 = requestFor(DB);
const R2 = requestFor(DB, { sleep_time: 9 });

interface Scenario {
  name: string;
  /** Brings the project into its previous state. */
  prior: (env: TransactionEnv) => Promise<void>;
  request: object;
  outcome: string;
}

const stopAndDisable = async (env: TransactionEnv): Promise<void> => {
  const systemctl = env.systemd.systemctl(new Faults());
  await systemctl.disableNow(env.unit(DB));
};

const SCENARIOS: Scenario[] = [
  { name: 'a new project', prior: () => Promise.resolve(), request: R1, outcome: 'started' },
  {
    name: 'a change of a running project',
    prior: async (env) => void (await env.submit(R1)),
    request: R2,
    outcome: 'restarted',
  },
  {
    name: 'a change of a stopped, disabled project',
    prior: async (env) => {
      await env.submit(R1);
      await stopAndDisable(env);
    },
    request: R2,
    outcome: 'restarted',
  },
  {
    name: 'the same settings for a stopped, disabled project',
    prior: async (env) => {
      await env.submit(R1);
      await stopAndDisable(env);
    },
    request: R1,
    outcome: 'started',
  },
  {
    name: 'the removal of a running project',
    prior: async (env) => void (await env.submit(R1)),
    request: { action: 'remove', database: DB },
    outcome: 'removed',
  },
];

const envs: TransactionEnv[] = [];
afterEach(async () => {
  while (envs.length > 0) await envs.pop()?.dispose();
});

async function fresh(scenario: Scenario): Promise<{ env: TransactionEnv; before: World }> {
  const env = await TransactionEnv.create();
  envs.push(env);
  await scenario.prior(env);
  return { env, before: await env.world(DB) };
}

/** Runs the scenario without faults: the new state, and how many operations it took. */
async function baseline(scenario: Scenario): Promise<{ after: World; operations: number }> {
  const { env } = await fresh(scenario);
  const faults = new Faults();
  const { verdict } = await env.submit(scenario.request, faults);
  expect(verdict?.outcome, JSON.stringify(verdict)).toBe(scenario.outcome);
  expect(await env.leftovers()).toEqual([]);
  return { after: await env.world(DB), operations: faults.count };
}

function expectOneOf(world: World, before: World, after: World, label: string): 'before' | 'after' {
  if (JSON.stringify(world) === JSON.stringify(before)) return 'before';
  if (JSON.stringify(world) === JSON.stringify(after)) return 'after';
  expect.fail(
    `${label}: a state between the previous and the new one:\n${JSON.stringify({ world, before, after }, null, 2)}`,
  );
}

describe.each(SCENARIOS)('$name', { timeout: 120_000 }, (scenario) => {
  it('ends in the previous or the new state when any operation fails', async () => {
    const { after, operations } = await baseline(scenario);
    expect(operations).toBeGreaterThan(5);
    for (let failAt = 1; failAt <= operations; failAt++) {
      const { env, before } = await fresh(scenario);
      const faults = new Faults();
      faults.failAt = failAt;
      const { id, verdict } = await env.submit(scenario.request, faults);
      const label = `failure of operation ${failAt} (${faults.log[failAt - 1]})`;
      const side = expectOneOf(await env.world(DB), before, after, label);
      const filed = await env.verdictOf(id);
      // A verdict on disk tells the truth; an unwritten one leaves the previous state.
      if (filed?.accepted) expect(side, label).toBe('after');
      else expect(side, label).toBe('before');
      if (verdict && !verdict.accepted) expect(['failed', 'rejected'], label).toContain(verdict.outcome);
      // The next start finishes whatever clean-up the failure interrupted.
      await env.recover();
      expect(expectOneOf(await env.world(DB), before, after, `${label}, then recovery`)).toBe(side);
      expect(await env.leftovers(), label).toEqual([]);
    }
  });

  it('ends in the previous or the new state after a crash at any point and the next start', async () => {
    const { after, operations } = await baseline(scenario);
    for (let crashAt = 1; crashAt <= operations; crashAt++) {
      const { env, before } = await fresh(scenario);
      const faults = new Faults();
      faults.crashAt = crashAt;
      const { id } = await env.submit(scenario.request, faults);
      const label = `crash at operation ${crashAt} (${faults.log[crashAt - 1]})`;
      expect(faults.crashed, label).toBe(true);
      await env.recover();
      const side = expectOneOf(await env.world(DB), before, after, `${label}, then recovery`);
      const filed = await env.verdictOf(id);
      expect(side, label).toBe(filed?.accepted ? 'after' : 'before');
      expect(await env.leftovers(), label).toEqual([]);
      // The request left in the drop folder is handled again, and now applies.
      if (await env.pending(id)) {
        const again = await env.handle(id);
        expect(again?.outcome, label).toBe(scenario.outcome);
      }
      expect(expectOneOf(await env.world(DB), before, after, `${label}, handled again`), label).toBe('after');
      expect(await env.leftovers(), label).toEqual([]);
    }
  });
});
