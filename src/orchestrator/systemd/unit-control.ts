// How the systemd adapter drives a project's unit: waiting for READY (with the worker's own words
// when it does not come), and putting the unit's enabled and active states back as they were.
import type { FilePort } from '../../creator/files.js';
import { isRunning, type Settled, type UnitStates } from '../../creator/unit-states.js';
import type { Logger } from '../../logging/logger.js';
import { isStartingStatus, parseConfigStatus } from '../../preflight/status-line.js';
import type { Systemctl } from '../../systemd/systemctl.js';
import type { Readiness, WorkerState } from '../port.js';

export interface SystemdHost {
  files: FilePort;
  systemctl: Systemctl;
  /** daemon-reload, shared by requests handled at the same time. */
  reload: () => Promise<void>;
  units: UnitStates;
  /** How long a started worker that says it waits for its databases has to report READY. */
  settleMs: number;
  /** How long a worker that has said nothing yet (still booting, on a loaded host) is waited for. */
  bootMs: number;
  logger: Logger;
}

interface UnitBefore {
  unit: string;
  enabled: boolean;
  active: boolean;
  invocation: string;
}

/** The unit still runs the invocation it ran before the request: nothing about it was changed. */
export async function untouched(host: SystemdHost, previous: UnitBefore): Promise<boolean> {
  if (!previous.active || previous.invocation === '') return false;
  const now = await host.units.snapshot(previous.unit);
  return isRunning(now) && now.InvocationID === previous.invocation;
}

/** The unit's enabled and active states as they were, on the (already restored) folder and drop-in. */
export async function restoreUnitStates(host: SystemdHost, previous: UnitBefore): Promise<void> {
  const { systemctl, units } = host;
  const { unit } = previous;
  await host.reload();
  const isEnabled = await systemctl.isEnabled(unit);
  if (previous.enabled && !isEnabled) await systemctl.enable(unit);
  if (!previous.enabled && isEnabled) await systemctl.disable(unit);
  if (previous.active) {
    if (await untouched(host, previous)) return;
    await systemctl.resetFailed(unit);
    const before = await units.snapshot(unit);
    await systemctl.restart(unit);
    const settled = await waitReady(host, unit, before.InvocationID || undefined);
    if (settled.state !== 'active') {
      throw new Error(
        `the previous configuration of ${unit} was started again but is ${settled.snapshot.ActiveState}/${settled.snapshot.SubState}${settled.snapshot.StatusText ? `: ${settled.snapshot.StatusText}` : ''}`,
      );
    }
  } else {
    const now = await units.snapshot(unit);
    if (now.ActiveState !== 'inactive' && now.ActiveState !== 'failed') await systemctl.stop(unit);
    await systemctl.resetFailed(unit);
  }
}

/**
 * Waits for READY. A worker that has not said anything yet is still booting (a loaded host, many
 * starting at once): it gets until systemd's own start timeout. One that says it is waiting for
 * its databases has `settleMs`.
 */
async function waitReady(host: SystemdHost, unit: string, notInvocation: string | undefined): Promise<Settled> {
  const settled = await host.units.waitSettled(unit, host.settleMs, notInvocation);
  if (settled.state !== 'pending' || isStartingStatus(settled.snapshot.StatusText) || host.bootMs <= host.settleMs) {
    return settled;
  }
  return host.units.waitSettled(unit, host.bootMs - host.settleMs, notInvocation);
}

/** Ready only once the new worker reported READY: `active` in a new invocation. */
export async function awaitUnitReady(host: SystemdHost, unit: string, previousInvocation: string): Promise<Readiness> {
  const { settleMs, bootMs } = host;
  const settled = await waitReady(host, unit, previousInvocation || undefined);
  const snap = settled.snapshot;
  const worker: WorkerState = { activeState: snap.ActiveState, subState: snap.SubState, detail: snap.StatusText };
  if (settled.state === 'active') return { state: 'ready', worker };
  const status = snap.StatusText ? `; its last status: ${snap.StatusText}` : '';
  if (settled.state === 'pending') {
    const waited = Math.round((isStartingStatus(snap.StatusText) ? settleMs : bootMs) / 1000);
    return {
      state: 'failed',
      worker,
      reasons: [
        `the worker of ${unit} did not report READY within ${waited} s (it is ${snap.ActiveState}/${snap.SubState})${status}`,
        'a server that does not answer is not a configuration error: submit again once it answers',
      ],
    };
  }
  if (snap.ExecMainStatus === '78') {
    const issues = parseConfigStatus(snap.StatusText) ?? [
      `the worker of ${unit} found its configuration unusable (exit 78)${status}`,
    ];
    return { state: 'rejected', worker, reasons: [...issues, `see journalctl -u ${unit}`] };
  }
  const code = snap.ExecMainStatus && snap.ExecMainStatus !== '0' ? ` with status ${snap.ExecMainStatus}` : '';
  return {
    state: 'failed',
    worker,
    reasons: [
      `the worker of ${unit} exited${code} (${snap.Result || snap.SubState})${status}; see journalctl -u ${unit}`,
    ],
  };
}
