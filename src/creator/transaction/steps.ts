// Each step of a transaction and its compensation. Compensations are idempotent and correct even
// when their step never ran or ran half-way, so recovery after a crash may run all of them.
import { join } from 'node:path';
import { isStartingStatus, parseConfigStatus } from '../../preflight/status-line.js';
import { isRunning, type Settled, type UnitSnapshot } from '../unit-states.js';
import { VERDICT_RESERVE_BYTES, type Host, type NextConfig, type Paths } from './host.js';
import type { Journal } from './journal.js';
import type { StepKind } from './decide.js';

/** A step that failed with a verdict of its own: `rejected` when the worker found its configuration unusable. */
export class StepFailure extends Error {
  constructor(
    readonly outcome: 'failed' | 'rejected',
    readonly reasons: string[],
    readonly snapshot?: UnitSnapshot,
  ) {
    super(reasons.join('; '));
  }
}

export interface StepContext {
  host: Host;
  journal: Journal;
  paths: Paths;
  next: NextConfig | undefined;
}

function needNext(ctx: StepContext): NextConfig {
  if (!ctx.next) throw new Error(`the step needs the new configuration, and ${ctx.journal.action} has none`);
  return ctx.next;
}

/** Performs one step; returns the unit's snapshot when the step observed it. */
export async function perform(kind: StepKind, ctx: StepContext): Promise<UnitSnapshot | undefined> {
  const { files, systemctl } = ctx.host;
  const { paths, journal } = ctx;
  switch (kind) {
    case 'reserve-verdict':
      for (const path of paths.reserves) await files.reserveFile(path, VERDICT_RESERVE_BYTES);
      return;
    case 'hold-unit':
      return;
    case 'stage-folder':
      await files.removeTree(paths.staging);
      for (const [name, text] of Object.entries(needNext(ctx).files)) {
        await files.writeFileAtomic(join(paths.staging, name), text, 0o640);
      }
      return;
    case 'swap-folder':
      if (await files.exists(paths.dir)) {
        await files.removeTree(paths.previous);
        await files.move(paths.dir, paths.previous);
      }
      await files.move(paths.staging, paths.dir);
      return;
    case 'write-drop-in':
      await files.writeFileAtomic(paths.dropIn, needNext(ctx).dropIn, 0o644);
      return;
    case 'remove-drop-in':
      await files.removeFileIfExists(paths.dropIn);
      await files.removeDirIfEmpty(paths.dropInDir);
      return;
    case 'daemon-reload':
      await ctx.host.reload();
      return;
    case 'retire-folder':
      if (await files.exists(paths.dir)) {
        await files.removeTree(paths.removed);
        await files.move(paths.dir, paths.removed);
      }
      return;
    case 'enable':
      await systemctl.enable(journal.unit);
      return;
    case 'disable-stop':
      await systemctl.disableNow(journal.unit);
      await systemctl.resetFailed(journal.unit);
      return;
    case 'start':
      await systemctl.resetFailed(journal.unit);
      await systemctl.start(journal.unit);
      return;
    case 'restart':
      await systemctl.restart(journal.unit);
      return;
    case 'await-ready':
      return awaitReady(ctx);
  }
}

/** Undoes one step (whether it ran, ran half-way or not at all). */
export async function compensate(kind: StepKind, ctx: StepContext): Promise<void> {
  const { files, systemctl } = ctx.host;
  const { paths, journal } = ctx;
  switch (kind) {
    case 'reserve-verdict':
      for (const path of paths.reserves) await files.removeFileIfExists(path);
      return;
    case 'hold-unit':
      return restoreUnit(ctx);
    case 'stage-folder':
      await files.removeTree(paths.staging);
      return;
    case 'swap-folder':
      if (await files.exists(paths.previous)) {
        await files.removeTree(paths.dir);
        await files.move(paths.previous, paths.dir);
      } else if (!journal.previous.had_project) {
        await files.removeTree(paths.dir);
      }
      return;
    case 'write-drop-in':
    case 'remove-drop-in':
      if (journal.previous.drop_in === null) {
        await files.removeFileIfExists(paths.dropIn);
        await files.removeDirIfEmpty(paths.dropInDir);
      } else {
        await files.writeFileAtomic(paths.dropIn, journal.previous.drop_in, 0o644);
      }
      return;
    case 'retire-folder':
      if ((await files.exists(paths.removed)) && !(await files.exists(paths.dir)))
        await files.move(paths.removed, paths.dir);
      await files.removeTree(paths.removed);
      return;
    case 'start':
    case 'restart':
      // The new worker must not run on while the previous files are put back; hold-unit starts the previous one.
      if (!(await untouched(ctx))) await systemctl.stop(journal.unit);
      return;
    case 'daemon-reload':
    case 'enable':
    case 'disable-stop':
    case 'await-ready':
      // Put back by hold-unit's compensation, which runs last.
      return;
  }
}

/** The unit still runs the invocation it ran before the request: nothing about it was changed. */
async function untouched(ctx: StepContext): Promise<boolean> {
  const { previous } = ctx.journal;
  if (!previous.active || previous.invocation === '') return false;
  const now = await ctx.host.units.snapshot(ctx.journal.unit);
  return isRunning(now) && now.InvocationID === previous.invocation;
}

/** The unit's enabled and active states as they were, on the previous folder and drop-in. */
async function restoreUnit(ctx: StepContext): Promise<void> {
  const { systemctl, units } = ctx.host;
  const { unit, previous } = ctx.journal;
  await ctx.host.reload();
  const isEnabled = await systemctl.isEnabled(unit);
  if (previous.enabled && !isEnabled) await systemctl.enable(unit);
  if (!previous.enabled && isEnabled) await systemctl.disable(unit);
  if (previous.active) {
    if (await untouched(ctx)) return;
    await systemctl.resetFailed(unit);
    const before = await units.snapshot(unit);
    await systemctl.restart(unit);
    const settled = await waitReady(ctx.host, unit, before.InvocationID || undefined);
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
async function waitReady(host: Host, unit: string, notInvocation: string | undefined): Promise<Settled> {
  const settled = await host.units.waitSettled(unit, host.settleMs, notInvocation);
  if (settled.state !== 'pending' || isStartingStatus(settled.snapshot.StatusText) || host.bootMs <= host.settleMs) {
    return settled;
  }
  return host.units.waitSettled(unit, host.bootMs - host.settleMs, notInvocation);
}

/** Accepted only once the new worker reported READY: `active` in a new invocation. */
async function awaitReady(ctx: StepContext): Promise<UnitSnapshot> {
  const { unit, previous } = ctx.journal;
  const { settleMs, bootMs } = ctx.host;
  const settled = await waitReady(ctx.host, unit, previous.invocation || undefined);
  const snap = settled.snapshot;
  if (settled.state === 'active') return snap;
  const status = snap.StatusText ? `; its last status: ${snap.StatusText}` : '';
  if (settled.state === 'pending') {
    throw new StepFailure(
      'failed',
      [
        `the worker of ${unit} did not report READY within ${Math.round((isStartingStatus(snap.StatusText) ? settleMs : bootMs) / 1000)} s (it is ${snap.ActiveState}/${snap.SubState})${status}`,
        'a server that does not answer is not a configuration error: submit again once it answers',
      ],
      snap,
    );
  }
  if (snap.ExecMainStatus === '78') {
    const issues = parseConfigStatus(snap.StatusText) ?? [
      `the worker of ${unit} found its configuration unusable (exit 78)${status}`,
    ];
    throw new StepFailure('rejected', [...issues, `see journalctl -u ${unit}`], snap);
  }
  const code = snap.ExecMainStatus && snap.ExecMainStatus !== '0' ? ` with status ${snap.ExecMainStatus}` : '';
  throw new StepFailure(
    'failed',
    [`the worker of ${unit} exited${code} (${snap.Result || snap.SubState})${status}; see journalctl -u ${unit}`],
    snap,
  );
}
