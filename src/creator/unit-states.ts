// Waits for units to settle after a start or restart, polling all awaited units with one
// `systemctl show` per round, so 50 units starting at once cost one process per round, not 50.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Systemctl } from '../systemd/systemctl.js';

export const UNIT_PROPERTIES = [
  'ActiveState',
  'SubState',
  'Result',
  'InvocationID',
  'StatusText',
  'ExecMainStatus',
] as const;

export interface UnitSnapshot {
  ActiveState: string;
  SubState: string;
  Result: string;
  InvocationID: string;
  StatusText: string;
  ExecMainStatus: string;
}

export type Settled = { state: 'active' | 'failed' | 'pending'; snapshot: UnitSnapshot };

interface Waiter {
  unit: string;
  /** The invocation that ran before a restart: the unit is settled only in a newer one. */
  notInvocation: string | undefined;
  deadline: number;
  resolve: (settled: Settled) => void;
  last: UnitSnapshot;
}

const EMPTY: UnitSnapshot = {
  ActiveState: 'unknown',
  SubState: 'unknown',
  Result: '',
  InvocationID: '',
  StatusText: '',
  ExecMainStatus: '',
};

const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);

/** Active (or starting, or reloading), and not waiting for an automatic restart after a failure. */
export function isRunning(snapshot: UnitSnapshot): boolean {
  return RUNNING_STATES.has(snapshot.ActiveState) && snapshot.SubState !== 'auto-restart';
}

/** Pure: what a snapshot says about a unit that was just started. */
export function classify(snapshot: UnitSnapshot, notInvocation: string | undefined): Settled['state'] {
  if (snapshot.ActiveState === 'failed') return 'failed';
  // Restart=on-failure: a worker that exited is waiting to be started again.
  if (snapshot.SubState === 'auto-restart') return 'failed';
  if (notInvocation !== undefined && snapshot.InvocationID === notInvocation) return 'pending';
  if (snapshot.ActiveState === 'active') return 'active';
  return 'pending';
}

export class UnitStates {
  private readonly waiters = new Set<Waiter>();
  private polling = false;

  constructor(
    private readonly systemctl: Systemctl,
    private readonly intervalMs = 150,
  ) {}

  async snapshot(unit: string): Promise<UnitSnapshot> {
    return toSnapshot(await this.systemctl.show(unit, UNIT_PROPERTIES));
  }

  /** Resolves once the unit is active (in a new invocation when `notInvocation` is given), failed, or the time is up. */
  waitSettled(unit: string, timeoutMs: number, notInvocation?: string): Promise<Settled> {
    return new Promise((resolve) => {
      this.waiters.add({ unit, notInvocation, deadline: Date.now() + timeoutMs, resolve, last: EMPTY });
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        await sleep(this.intervalMs);
        const waiters = [...this.waiters];
        const units = [...new Set(waiters.map((w) => w.unit))];
        let states: Map<string, Record<string, string>> | undefined;
        try {
          states = await this.systemctl.showMany(units, UNIT_PROPERTIES);
        } catch {
          states = undefined; // a transient systemctl failure: the deadline still applies
        }
        const now = Date.now();
        for (const waiter of waiters) {
          const raw = states?.get(waiter.unit);
          if (raw) waiter.last = toSnapshot(raw);
          const state = raw ? classify(waiter.last, waiter.notInvocation) : 'pending';
          if (state !== 'pending' || now >= waiter.deadline) {
            this.waiters.delete(waiter);
            waiter.resolve({ state, snapshot: waiter.last });
          }
        }
      }
    } finally {
      this.polling = false;
    }
  }
}

function toSnapshot(raw: Record<string, string>): UnitSnapshot {
  return {
    ActiveState: raw.ActiveState ?? 'unknown',
    SubState: raw.SubState ?? 'unknown',
    Result: raw.Result ?? '',
    InvocationID: raw.InvocationID ?? '',
    StatusText: raw.StatusText ?? '',
    ExecMainStatus: raw.ExecMainStatus ?? '',
  };
}
